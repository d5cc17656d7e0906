"""Dramatiq middleware: job ids in log records, job outcomes and queue names
stored for the API's `/metrics`."""

import logging
from typing import Any

from dramatiq import Broker, Message, Middleware, Worker

from core import shared_metrics
from core.log_context import bind_job_id
from core.logging_setup import apply_log_format

logger = logging.getLogger(__name__)


class JobMetrics(Middleware):
    """Count each processed message as succeeded, retried, failed or skipped.

    Add it after Dramatiq's default middleware: the Retries middleware must
    have marked a message that used up its retries as failed before this one
    reads the mark.
    """

    def after_worker_boot(self, broker: Broker, worker: Worker) -> None:
        apply_log_format()
        shared_metrics.record_queues(set(broker.get_declared_queues()))

    def before_process_message(self, broker: Broker, message: Message) -> None:
        bind_job_id(message.message_id)

    def after_process_message(
        self,
        broker: Broker,
        message: Message,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        if exception is None:
            outcome = "succeeded"
        elif message.failed:
            outcome = "failed"
        else:
            outcome = "retried"
        shared_metrics.record_job_outcome(message.actor_name, message.queue_name, outcome)
        bind_job_id(None)

    def after_skip_message(self, broker: Broker, message: Message) -> None:
        shared_metrics.record_job_outcome(message.actor_name, message.queue_name, "skipped")
        bind_job_id(None)
