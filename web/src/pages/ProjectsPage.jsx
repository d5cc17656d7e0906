import React, { useEffect, useId, useRef, useState } from "react";
import { useMutation, useQuery } from "@apollo/client";

import { useAuth } from "../auth.jsx";
import { FeatureGate } from "../components/FeatureGate.jsx";
import { EmptyState, ErrorState, describeError } from "../components/StateMessage.jsx";
import { plural } from "../components/formatting.js";
import {
  CREATE_PROJECT,
  DELETE_PROJECT,
  JOIN_PROJECT,
  LEAVE_PROJECT,
  MOVE_BOOKMARK,
  PROJECT,
  PROJECTS,
  PROJECT_BOOKMARKS,
  UPDATE_PROJECT,
} from "../graphql/tracking.js";
import { Link, navigate, useLocation } from "../router.jsx";
import { useSchemaFeatures } from "../schemaFeatures.jsx";
import { statusLabel } from "../tracking/statuses.js";

// The API's page-size maximum for projects and bookmarks.
const LIST_LIMIT = 100;
const NAME_MAX_LENGTH = 100;
const DESCRIPTION_MAX_LENGTH = 2000;
const ROLE_LABELS = { owner: "Owner", member: "Member" };
// Queries that show membership or member counts; refetched after joining or leaving.
const MEMBERSHIP_QUERIES = ["Projects", "Project", "ProjectBookmarks"];

function projectPath(id) {
  return `/projects/${encodeURIComponent(id)}`;
}

function FieldError({ error }) {
  if (!error) return null;
  return (
    <p className="field-error" role="alert">
      {typeof error === "string" ? error : describeError(error)}
    </p>
  );
}

/** Name, description and link inputs shared by the create and edit forms. */
function ProjectFields({ values, onChange }) {
  const id = useId();
  const update = (field) => (event) => onChange({ ...values, [field]: event.target.value });
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={values.name} onChange={update("name")} required maxLength={NAME_MAX_LENGTH} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          value={values.description}
          onChange={update("description")}
          maxLength={DESCRIPTION_MAX_LENGTH}
          rows={3}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-link`}>Link (optional)</label>
        <input
          id={`${id}-link`}
          type="url"
          value={values.link}
          onChange={update("link")}
          placeholder="https://github.com/kubernetes"
          aria-describedby={`${id}-link-help`}
        />
        <p id={`${id}-link-help`} className="field-help">
          A GitHub organisation or GitLab group, such as https://github.com/kubernetes.
        </p>
      </div>
    </>
  );
}

function projectInput(values) {
  return { name: values.name.trim(), description: values.description.trim(), link: values.link.trim() || null };
}

function CreateProjectForm() {
  const [values, setValues] = useState({ name: "", description: "", link: "" });
  const [create, { loading, error }] = useMutation(CREATE_PROJECT, { refetchQueries: ["Projects"] });

  async function submit(event) {
    event.preventDefault();
    const result = await create({ variables: { input: projectInput(values) } }).catch(() => null);
    const project = result?.data?.createProject;
    if (project) navigate(projectPath(project.id));
  }

  return (
    <details className="project-form">
      <summary>Create a project</summary>
      <form onSubmit={submit} aria-label="Create a project">
        <ProjectFields values={values} onChange={setValues} />
        <FieldError error={error && `The project could not be created: ${describeError(error)}`} />
        <button type="submit" className="button button--primary" disabled={loading}>
          {loading ? "Creating…" : "Create project"}
        </button>
      </form>
    </details>
  );
}

/** Join or leave button for the signed-in caller; owners can only delete their project. */
function MembershipButton({ project }) {
  const features = useSchemaFeatures();
  const options = { variables: { id: project.id }, refetchQueries: MEMBERSHIP_QUERIES, awaitRefetchQueries: true };
  const [join, joinState] = useMutation(JOIN_PROJECT, options);
  const [leave, leaveState] = useMutation(LEAVE_PROJECT, options);
  const busy = joinState.loading || leaveState.loading;
  const error = joinState.error || leaveState.error;

  if (project.myRole === "owner") return null;
  const member = project.myRole === "member";
  if (member && !features.hasMutation("leaveProject")) return null;
  if (!member && !features.hasMutation("joinProject")) return null;
  return (
    <div className="project-membership">
      <button
        type="button"
        className={member ? "button button--small" : "button button--small button--primary"}
        disabled={busy}
        onClick={() => (member ? leave() : join()).catch(() => undefined)}
        aria-label={`${member ? "Leave" : "Join"} project ${project.name}`}
      >
        {busy ? "Saving…" : member ? "Leave" : "Join"}
      </button>
      <FieldError error={error && `${member ? "Leaving" : "Joining"} failed: ${describeError(error)}`} />
    </div>
  );
}

function RoleBadge({ role }) {
  if (!role) return null;
  return <span className="role-badge">{ROLE_LABELS[role] ?? role}</span>;
}

function ProjectCard({ project, signedIn }) {
  return (
    <li className="project-card">
      <h2>
        <Link to={projectPath(project.id)}>{project.name}</Link> <RoleBadge role={project.myRole} />
      </h2>
      {project.description && <p>{project.description}</p>}
      <p className="project-card__members">{plural(project.memberCount, "member")}</p>
      {signedIn && <MembershipButton project={project} />}
    </li>
  );
}

function ProjectList({ q, mine }) {
  const { signedIn } = useAuth();
  const { data, loading, error, refetch } = useQuery(PROJECTS, {
    variables: { q, mine: signedIn && mine, limit: LIST_LIMIT },
    fetchPolicy: "cache-and-network",
  });
  if (loading && !data) return <div className="skeleton board-skeleton" aria-label="Loading projects" />;
  if (error && !data) return <ErrorState title="Projects could not be loaded" error={error} onRetry={() => refetch()} />;
  const { items, total } = data.projects;
  if (items.length === 0) {
    return (
      <EmptyState title={q || mine ? "No project matches" : "No projects yet"}>
        <p>
          {q || mine
            ? "Try another name, or show every project."
            : "Projects group the issues you work on for one open-source project, such as Kubernetes."}
        </p>
      </EmptyState>
    );
  }
  return (
    <>
      {total > items.length && (
        <p className="field-help">
          Showing {items.length} of {total} projects. Search by name to find the others.
        </p>
      )}
      <ul className="project-list" aria-label="Projects">
        {items.map((project) => (
          <ProjectCard key={project.id} project={project} signedIn={signedIn} />
        ))}
      </ul>
    </>
  );
}

function ProjectsBrowser() {
  const { signedIn } = useAuth();
  const features = useSchemaFeatures();
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  const [mine, setMine] = useState(false);
  const searchId = useId();

  function submit(event) {
    event.preventDefault();
    setQ(text.trim());
  }

  return (
    <>
      {signedIn && features.hasMutation("createProject") && <CreateProjectForm />}
      <form role="search" className="project-search" onSubmit={submit}>
        <label htmlFor={searchId}>Find a project</label>
        <input id={searchId} type="search" value={text} onChange={(event) => setText(event.target.value)} maxLength={100} />
        <button type="submit" className="button button--small">
          Find
        </button>
        {signedIn && (
          <label className="project-search__mine">
            <input type="checkbox" checked={mine} onChange={(event) => setMine(event.target.checked)} /> Only my projects
          </label>
        )}
      </form>
      <ProjectList q={q} mine={mine} />
    </>
  );
}

export function ProjectsPage() {
  return (
    <section aria-labelledby="projects-title">
      <h1 id="projects-title">Projects</h1>
      <FeatureGate operation="projects" title="Projects">
        <ProjectsBrowser />
      </FeatureGate>
    </section>
  );
}

function EditProjectForm({ project, onDone }) {
  const [values, setValues] = useState({
    name: project.name,
    description: project.description,
    link: project.link ?? "",
  });
  const [save, { loading, error }] = useMutation(UPDATE_PROJECT, { refetchQueries: ["Projects"] });

  async function submit(event) {
    event.preventDefault();
    const result = await save({ variables: { id: project.id, input: projectInput(values) } }).catch(() => null);
    if (result?.data?.updateProject) onDone();
  }

  return (
    <form onSubmit={submit} className="project-form" aria-label={`Edit project ${project.name}`}>
      <ProjectFields values={values} onChange={setValues} />
      <FieldError error={error && `The changes could not be saved: ${describeError(error)}`} />
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={loading}>
          {loading ? "Saving…" : "Save changes"}
        </button>
      </div>
    </form>
  );
}

/** Asks before deleting; a modal <dialog> that takes the focus and closes with Escape. */
function DeleteProjectDialog({ project, onCancel }) {
  const dialogRef = useRef(null);
  const titleId = useId();
  const [remove, { loading, error }] = useMutation(DELETE_PROJECT, {
    variables: { id: project.id },
    refetchQueries: ["Projects", "MyBookmarks"],
  });

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.open && dialog.close();
  }, []);

  async function confirm() {
    const result = await remove().catch(() => null);
    if (result?.data?.deleteProject) navigate("/projects");
  }

  return (
    <dialog ref={dialogRef} className="dialog" aria-labelledby={titleId} onCancel={onCancel}>
      <h2 id={titleId}>Delete {project.name}?</h2>
      <p>The project and its membership list are deleted. Issues tracked in it move to each member's personal list.</p>
      <FieldError error={error && `The project could not be deleted: ${describeError(error)}`} />
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="button button--primary" onClick={confirm} disabled={loading}>
          {loading ? "Deleting…" : "Delete project"}
        </button>
      </div>
    </dialog>
  );
}

function OwnerActions({ project }) {
  const features = useSchemaFeatures();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  return (
    <div className="project-owner-actions">
      {features.hasMutation("updateProject") && !editing && (
        <button type="button" className="button button--small" onClick={() => setEditing(true)}>
          Edit project
        </button>
      )}
      {features.hasMutation("deleteProject") && (
        <button type="button" className="button button--small" onClick={() => setDeleting(true)}>
          Delete project
        </button>
      )}
      {editing && <EditProjectForm project={project} onDone={() => setEditing(false)} />}
      {deleting && <DeleteProjectDialog project={project} onCancel={() => setDeleting(false)} />}
    </div>
  );
}

/** Moves one of the caller's personal bookmarks into the project. */
function AddFromPersonalList({ project }) {
  const selectId = useId();
  const [chosen, setChosen] = useState("");
  const personal = useQuery(PROJECT_BOOKMARKS, {
    variables: { projectId: null, personal: true, limit: LIST_LIMIT },
    fetchPolicy: "cache-and-network",
  });
  const [move, { loading, error }] = useMutation(MOVE_BOOKMARK, {
    refetchQueries: ["ProjectBookmarks", "MyBookmarks"],
    awaitRefetchQueries: true,
  });
  const items = personal.data?.bookmarks.items ?? [];
  if (personal.error) return <FieldError error={`Your personal list could not be loaded: ${describeError(personal.error)}`} />;
  if (items.length === 0) {
    return <p className="field-help">Bookmark issues from the search results, then add them to this project here.</p>;
  }

  async function submit(event) {
    event.preventDefault();
    if (!chosen) return;
    const result = await move({ variables: { id: Number(chosen), projectId: project.id } }).catch(() => null);
    if (result) setChosen("");
  }

  return (
    <form onSubmit={submit} className="project-add-issue">
      <label htmlFor={selectId}>Add an issue from your personal list</label>
      <select id={selectId} value={chosen} onChange={(event) => setChosen(event.target.value)} required>
        <option value="">Choose an issue…</option>
        {items.map((bookmark) => (
          <option key={bookmark.id} value={bookmark.id}>
            {bookmark.issue.title} ({bookmark.issue.repo})
          </option>
        ))}
      </select>
      <button type="submit" className="button button--small" disabled={loading || !chosen}>
        {loading ? "Adding…" : "Add to project"}
      </button>
      <FieldError error={error && `The issue could not be added: ${describeError(error)}`} />
    </form>
  );
}

/** The caller's own issues in the project, with a form to add more; members only. */
function ProjectIssues({ project }) {
  const { data, loading, error, refetch } = useQuery(PROJECT_BOOKMARKS, {
    variables: { projectId: project.id, personal: false, limit: LIST_LIMIT },
    fetchPolicy: "cache-and-network",
  });
  const [move, moveState] = useMutation(MOVE_BOOKMARK, {
    refetchQueries: ["ProjectBookmarks", "MyBookmarks"],
    awaitRefetchQueries: true,
  });
  let body;
  if (loading && !data) body = <div className="skeleton board-skeleton" aria-label="Loading your issues in this project" />;
  else if (error && !data) body = <ErrorState title="Your issues in this project could not be loaded" error={error} onRetry={() => refetch()} />;
  else if (data.bookmarks.items.length === 0) body = <p>You track no issues in this project yet.</p>;
  else {
    body = (
      <ul className="project-issues">
        {data.bookmarks.items.map((bookmark) => (
          <li key={bookmark.id}>
            <Link to={`/issues/${encodeURIComponent(bookmark.issue.id)}`}>{bookmark.issue.title}</Link>{" "}
            <span className="board-card__repo">{bookmark.issue.repo}</span> <span className="role-badge">{statusLabel(bookmark.status)}</span>{" "}
            <button
              type="button"
              className="link-button"
              disabled={moveState.loading}
              onClick={() => move({ variables: { id: bookmark.id, projectId: null } }).catch(() => undefined)}
              aria-label={`Move “${bookmark.issue.title}” to your personal list`}
            >
              Move to personal list
            </button>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <section aria-labelledby="project-issues-title" className="project-section">
      <h2 id="project-issues-title">Your issues in this project</h2>
      {body}
      <FieldError error={moveState.error && `The issue could not be moved: ${describeError(moveState.error)}`} />
      <AddFromPersonalList project={project} />
    </section>
  );
}

function ProjectDetail({ id }) {
  const { signedIn } = useAuth();
  const { path } = useLocation();
  const { data, loading, error, refetch } = useQuery(PROJECT, { variables: { id } });
  if (loading && !data) return <div className="skeleton board-skeleton" aria-label="Loading the project" />;
  if (error && !data) return <ErrorState title="The project could not be loaded" error={error} onRetry={() => refetch()} />;
  const project = data.project;
  const role = project.myRole;
  return (
    <>
      <h1>
        {project.name} <RoleBadge role={role} />
      </h1>
      {project.description && <p>{project.description}</p>}
      {project.link && (
        <p>
          <a href={project.link} rel="noreferrer">
            {project.link}
          </a>
        </p>
      )}
      <p className="project-card__members">{plural(project.memberCount, "member")}</p>
      {signedIn ? (
        <div className="project-actions">
          <MembershipButton project={project} />
          {role === "owner" && <OwnerActions project={project} />}
        </div>
      ) : (
        <p>
          <Link to={`/login?next=${encodeURIComponent(path)}`}>Log in</Link> to join this project and track issues in it.
        </p>
      )}
      {signedIn && role && <ProjectIssues project={project} />}
    </>
  );
}

export function ProjectPage({ id }) {
  const projectId = /^\d+$/.test(id) ? Number(id) : null;
  return (
    <section>
      <p>
        <Link to="/projects">← All projects</Link>
      </p>
      {projectId === null ? (
        <EmptyState title="This project does not exist" actions={<Link to="/projects">See all projects</Link>}>
          <p>Project addresses end in a number, such as /projects/12.</p>
        </EmptyState>
      ) : (
        <FeatureGate operation="project" title="Projects">
          <ProjectDetail id={projectId} />
        </FeatureGate>
      )}
    </section>
  );
}
