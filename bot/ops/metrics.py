"""Prometheus metrics of one bot process.

Counters the bot's hooks feed (interactions, Discord's HTTP responses) live in a
``Metrics`` object made once per process, so they survive an in-process restart after a
crash. Everything else (gateway latency, scheduled jobs, event-loop lag, memory) is read
from the running bot when Prometheus scrapes, by ``BotCollector``.
"""

import contextlib
import time
from collections.abc import Iterator
from types import SimpleNamespace

import aiohttp
import discord
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.client import ProducerBot
from bot.health import resident_mb

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 15.0, 30.0)
"""Seconds; Discord wants a first answer within 3 s, a deferred one within 15 min."""


def interaction_kind(interaction: discord.Interaction) -> str:
    return {
        discord.InteractionType.application_command: "command",
        discord.InteractionType.component: "component",
        discord.InteractionType.modal_submit: "modal",
        discord.InteractionType.autocomplete: "autocomplete",
    }.get(interaction.type, "other")


def interaction_label(interaction: discord.Interaction) -> str:
    """The command's name, or for a button or form the feature and action of its
    ``feature:action:id`` custom id (never the id: that would make a series per item)."""
    if interaction.command is not None:
        return interaction.command.qualified_name
    custom_id = str(dict(interaction.data or {}).get("custom_id", ""))
    parts = custom_id.split(":")
    return ":".join(parts[:2]) if len(parts) > 1 else interaction_kind(interaction)


def _age(interaction: discord.Interaction) -> float:
    """Seconds since Discord created the interaction (its id carries the time)."""
    return max(0.0, (discord.utils.utcnow() - interaction.created_at).total_seconds())


class Metrics:
    """The process's registry and the counters the bot's hooks feed."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.interactions_received = Counter(
            "producer_interactions_received",
            "Interactions received from Discord, by kind.",
            ["kind"],
            registry=self.registry,
        )
        self.interactions = Counter(
            "producer_interactions",
            "Interactions finished, by command and outcome (ok, refused: the member's "
            "mistake, error: a fault of ours). Buttons and forms count when they fail.",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "producer_interaction_seconds",
            "Seconds from Discord creating an interaction until the bot finished with it.",
            ["kind", "outcome"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.requests = Counter(
            "producer_discord_requests",
            "Requests to Discord's HTTP API (sends, edits, reads), by method and status.",
            ["method", "status"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "producer_discord_rate_limited",
            "Responses 429 from Discord: the request waits and is retried.",
            registry=self.registry,
        )
        self.rate_limit_wait = Counter(
            "producer_discord_rate_limit_wait_seconds",
            "Seconds Discord asked the bot to wait after a 429.",
            registry=self.registry,
        )
        self.collector = BotCollector()
        self.registry.register(self.collector)
        self.trace = aiohttp.TraceConfig()
        """Give it to the bot (``http_trace``) before it logs in."""
        self.trace.on_request_end.append(self._on_request_end)

    def attach(self, bot: ProducerBot) -> None:
        """Count ``bot``'s interactions and read its state when scraped."""
        bot.add_listener(self._on_interaction, "on_interaction")
        bot.add_listener(self._on_completion, "on_app_command_completion")
        bot.add_listener(self._on_failure, "on_interaction_failed")
        self.collector.bot = bot

    def detach(self) -> None:
        self.collector.bot = None

    async def _on_interaction(self, interaction: discord.Interaction) -> None:
        self.interactions_received.labels(interaction_kind(interaction)).inc()

    async def _on_completion(self, interaction: discord.Interaction, command: object) -> None:
        self._finished(interaction, "ok")

    async def _on_failure(self, interaction: discord.Interaction, refused: bool) -> None:
        self._finished(interaction, "refused" if refused else "error")

    def _finished(self, interaction: discord.Interaction, outcome: str) -> None:
        self.interactions.labels(interaction_label(interaction), outcome).inc()
        self.latency.labels(interaction_kind(interaction), outcome).observe(_age(interaction))

    async def _on_request_end(
        self,
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        status = params.response.status
        self.requests.labels(params.method, str(status)).inc()
        if status == 429:
            self.rate_limited.inc()
            with contextlib.suppress(ValueError):  # a header that is not a number
                self.rate_limit_wait.inc(float(params.response.headers.get("Retry-After", 0)))


class BotCollector(Collector):
    """Reads the running bot's state at scrape time (nothing while it restarts)."""

    def __init__(self) -> None:
        self.bot: ProducerBot | None = None

    def collect(self) -> Iterator[Metric]:
        memory = resident_mb()
        if memory is not None:
            yield GaugeMetricFamily(
                "producer_resident_memory_bytes", "Resident memory.", value=memory * 2**20
            )
        bot = self.bot
        if bot is None:
            return
        gateway = GaugeMetricFamily(
            "producer_gateway_latency_seconds",
            "Time between a gateway heartbeat and its acknowledgement, by shard.",
            labels=["shard"],
        )
        for shard_id, latency in bot.latencies:
            if latency == latency and latency != float("inf"):  # NaN or inf: not measured yet
                gateway.add_metric([str(shard_id)], latency)
        yield gateway
        yield GaugeMetricFamily(
            "producer_gateway_connected",
            "1 when the bot is ready and every shard's gateway connection is open.",
            value=1.0 if gateway_connected(bot) else 0.0,
        )
        lag = bot.health.latest
        if lag is not None:
            family = GaugeMetricFamily(
                "producer_event_loop_lag_seconds",
                "How late a 50 ms timer fired, over the latest health interval.",
                labels=["quantile"],
            )
            family.add_metric(["0.99"], lag.p99 / 1000)
            family.add_metric(["1"], lag.max / 1000)
            yield family
        yield from _scheduler_metrics(bot)


def gateway_connected(bot: ProducerBot) -> bool:
    return (
        bot.is_ready()
        and not bot.is_closed()
        and all(not shard.is_closed() for shard in bot.shards.values())
    )


def _scheduler_metrics(bot: ProducerBot) -> Iterator[Metric]:
    scheduler = bot.scheduler
    runs = CounterMetricFamily(
        "producer_scheduled_job_runs", "Runs of each scheduled job.", labels=["job"]
    )
    failures = CounterMetricFamily(
        "producer_scheduled_job_failures", "Failed runs of each scheduled job.", labels=["job"]
    )
    seconds = CounterMetricFamily(
        "producer_scheduled_job_seconds", "Time spent in each scheduled job.", labels=["job"]
    )
    for name, stats in sorted(scheduler.stats.items()):
        runs.add_metric([name], stats.runs)
        failures.add_metric([name], stats.failures)
        seconds.add_metric([name], stats.seconds)
    yield from (runs, failures, seconds)
    yield GaugeMetricFamily(
        "producer_scheduler_lag_seconds",
        "How much later than due the latest tick of the scheduler started.",
        value=scheduler.lag,
    )
    if scheduler.last_tick is not None:
        yield GaugeMetricFamily(
            "producer_scheduler_last_tick_age_seconds",
            "Seconds since the scheduler's latest tick ended.",
            value=time.monotonic() - scheduler.last_tick,
        )
