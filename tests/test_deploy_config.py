"""Static checks of the deployment files. No Docker engine or Kubernetes
cluster runs here, so the compose file and manifests are parsed and checked
instead of started. `docker compose config` runs in tests/test_compose_config.py
and the nginx config in tests/test_nginx_gateway.py."""

import json
import re
from pathlib import Path

import yaml

from core.settings import PROJECT_ROOT

COMPOSE = PROJECT_ROOT / "docker-compose.yml"
KUBERNETES = PROJECT_ROOT / "deploy" / "kubernetes"
DASHBOARD = PROJECT_ROOT / "deploy" / "grafana" / "oss-odyssey.json"
SECRET_NAME = re.compile(r"PASSWORD|TOKEN|SECRET", re.IGNORECASE)
# A value that only refers to the environment: ${NAME}, ${NAME:?message}, ...
ENV_REFERENCE = re.compile(r"\$\{[A-Z_]+(:[?-][^}]*)?\}")


def compose_services() -> dict[str, dict]:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_compose_services_have_healthchecks():
    services = compose_services()
    expected = {
        "elasticsearch", "postgres", "redis", "migrate", "api", "worker", "scheduler", "gateway"
    }
    assert set(services) == expected
    missing = [name for name, service in services.items() if "healthcheck" not in service]
    assert missing == []


def test_compose_images_are_pinned():
    for name, service in compose_services().items():
        image = service["image"]
        tag = image.rpartition(":")[2]
        assert tag != "latest", name
        assert re.fullmatch(r"\d+\.\d+(\.\d+)?", tag), f"{name}: {image} has no version"


def test_compose_has_no_secret_literals():
    for name, service in compose_services().items():
        for key, value in service.get("environment", {}).items():
            text = str(value)
            if SECRET_NAME.search(key) and "FILE" not in key:
                assert ENV_REFERENCE.fullmatch(text), f"{name}.{key} is a literal"
            if "://" in text and "@" in text:
                credentials = text.split("://", 1)[1].split("@", 1)[0]
                assert ENV_REFERENCE.search(credentials), f"{name}.{key} holds a password"


def test_compose_publishes_only_the_gateway():
    services = compose_services()
    published = sorted(name for name, service in services.items() if service.get("ports"))
    assert published == ["gateway"]
    gateway = services["gateway"]
    mounts = " ".join(gateway["volumes"])
    assert "./deploy/nginx/templates:/etc/nginx/templates" in mounts
    trusted = services["api"]["environment"]["TRUSTED_PROXIES"]
    assert gateway["networks"]["default"]["ipv4_address"] == trusted


def test_elasticsearch_security_setting_is_stated():
    environment = compose_services()["elasticsearch"]["environment"]
    assert environment["xpack.security.enabled"] == "false"


def kubernetes_documents() -> list[dict]:
    documents = []
    for path in sorted(KUBERNETES.glob("*.yaml")):
        documents.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
    return documents


def deployments() -> dict[str, dict]:
    return {
        doc["metadata"]["name"]: doc for doc in kubernetes_documents() if doc["kind"] == "Deployment"
    }


def test_kubernetes_manifests_parse():
    kinds = sorted({doc["kind"] for doc in kubernetes_documents()})
    assert kinds == [
        "ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Job", "Service"
    ]
    for doc in kubernetes_documents():
        assert doc["apiVersion"]
        assert doc["metadata"]["name"].startswith("odyssey-")


def test_api_deployment_probes_health_endpoints():
    container = deployments()["odyssey-api"]["spec"]["template"]["spec"]["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"


def test_deployments_have_resources_probes_and_secret_refs():
    found = deployments()
    assert set(found) == {"odyssey-api", "odyssey-worker", "odyssey-scheduler"}
    for name, deployment in found.items():
        assert deployment["spec"]["replicas"] >= 1
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["resources"]["requests"]["memory"], name
        assert container["resources"]["limits"]["memory"], name
        assert "livenessProbe" in container and "readinessProbe" in container, name
        assert container["envFrom"] == [{"configMapRef": {"name": "odyssey-config"}}]
        for variable in container["env"]:
            assert "value" not in variable, f"{name}: {variable['name']} is a literal"
            assert variable["valueFrom"]["secretKeyRef"]["name"] == "odyssey-secrets"


def test_autoscalers_target_api_and_workers():
    targets = sorted(
        doc["spec"]["scaleTargetRef"]["name"]
        for doc in kubernetes_documents()
        if doc["kind"] == "HorizontalPodAutoscaler"
    )
    assert targets == ["odyssey-api", "odyssey-worker"]


def test_grafana_dashboard_uses_exported_metrics():
    dashboard = json.loads(DASHBOARD.read_text())
    expressions = " ".join(
        target["expr"] for panel in dashboard["panels"] for target in panel["targets"]
    )
    for metric in (
        "odyssey_http_request_duration_seconds_bucket",
        "odyssey_elasticsearch_query_duration_seconds_bucket",
        "odyssey_search_cache_lookups_total",
        "odyssey_queue_messages",
        "odyssey_jobs_total",
        "odyssey_source_rate_limit_remaining",
        "odyssey_index_issues",
        "odyssey_index_last_indexed_timestamp_seconds",
    ):
        assert metric in expressions, metric
