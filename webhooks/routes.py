"""REST routes that receive GitHub and GitLab webhooks."""

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from webhooks import service

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


class DeliveryOut(BaseModel):
    delivery_id: str
    event: str
    status: str = Field(description="queued, duplicate (seen before) or ignored (event not used)")


@router.post("/github", status_code=202, response_model=DeliveryOut)
async def github_webhook(request: Request) -> DeliveryOut:
    """Receive a GitHub delivery signed with `X-Hub-Signature-256`.

    `issues`, `label` and `repository` events are applied by a worker; a bad
    or missing signature gets 401 and changes nothing.
    """
    body = await request.body()
    delivery = await run_in_threadpool(service.receive_github, body, request.headers)
    return DeliveryOut(**delivery.__dict__)


@router.post("/gitlab", status_code=202, response_model=DeliveryOut)
async def gitlab_webhook(request: Request) -> DeliveryOut:
    """Receive a GitLab delivery carrying the secret in `X-Gitlab-Token`.

    Issue Hook events are applied by a worker; a bad or missing token gets 401
    and changes nothing.
    """
    body = await request.body()
    delivery = await run_in_threadpool(service.receive_gitlab, body, request.headers)
    return DeliveryOut(**delivery.__dict__)
