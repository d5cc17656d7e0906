import React from "react";
import { useQuery } from "@apollo/client";

import { FeatureGate } from "../components/FeatureGate.jsx";
import { EmptyState, ErrorState } from "../components/StateMessage.jsx";
import { plural } from "../components/formatting.js";
import { PROJECT, PROJECTS } from "../graphql/tracking.js";
import { Link } from "../router.jsx";

function ProjectList() {
  const { data, loading, error, refetch } = useQuery(PROJECTS);
  if (loading && !data) return <div className="skeleton board-skeleton" aria-label="Loading projects" />;
  if (error) return <ErrorState title="Projects could not be loaded" error={error} onRetry={() => refetch()} />;
  if (data.projects.items.length === 0) {
    return (
      <EmptyState title="No projects yet">
        <p>Projects group the issues you work on for one open-source project, such as Kubernetes.</p>
      </EmptyState>
    );
  }
  return (
    <ul className="project-list">
      {data.projects.items.map((project) => (
        <li key={project.id} className="project-card">
          <h2>
            <Link to={`/projects/${encodeURIComponent(project.id)}`}>{project.name}</Link>
          </h2>
          <p>{project.description}</p>
          <p className="project-card__members">{plural(project.memberCount, "member")}</p>
        </li>
      ))}
    </ul>
  );
}

export function ProjectsPage() {
  return (
    <section aria-labelledby="projects-title">
      <h1 id="projects-title">Projects</h1>
      <FeatureGate operation="projects" title="Projects">
        <ProjectList />
      </FeatureGate>
    </section>
  );
}

function ProjectDetail({ id }) {
  const { data, loading, error, refetch } = useQuery(PROJECT, { variables: { id: Number.parseInt(id, 10) } });
  if (loading && !data) return <div className="skeleton board-skeleton" aria-label="Loading the project" />;
  if (error) return <ErrorState title="The project could not be loaded" error={error} onRetry={() => refetch()} />;
  const project = data.project;
  return (
    <>
      <h1>{project.name}</h1>
      <p>{project.description}</p>
      {project.link && (
        <p>
          <a href={project.link} rel="noreferrer">
            {project.link}
          </a>
        </p>
      )}
      <p>{plural(project.memberCount, "member")}</p>
    </>
  );
}

export function ProjectPage({ id }) {
  return (
    <section>
      <p>
        <Link to="/projects">← All projects</Link>
      </p>
      <FeatureGate operation="project" title="Projects">
        <ProjectDetail id={id} />
      </FeatureGate>
    </section>
  );
}
