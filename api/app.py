"""Application factory: `create_app(settings)` wires resources, jobs, routes and errors.

Tests pass their own `resources`, `job_queue` or job table to swap any adapter.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from importlib.metadata import version

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from api.cors import install_cors
from api.edge import EdgeGuardMiddleware
from api.error_recorder import ErrorRecorder
from api.errors import ERROR_RESPONSES, install_error_handlers
from api.fast_reads import FastReadsMiddleware
from api.interpreter import pin_recursion_limit
from api.middleware import RequestContextMiddleware
from api.openapi import document_responses
from api.routers import (
    admin,
    alert_links,
    alerts,
    auth,
    cron,
    health,
    me,
    metrics,
    portfolio,
    real_yield,
    subscription,
    validators,
    vrs,
    watchlist,
    webhooks,
)
from api.routers import jobs as job_status
from api.routers import rewards as rewards_routes
from api.spa import install_spa
from infrastructure.resources import Resources, open_resources
from infrastructure.settings import Settings, load_settings
from services.validators import seed_demo_labels
from workers.context import JobDeps, JobFunction
from workers.inprocess import InProcessJobQueue, InProcessScheduler
from workers.schedule import ScheduledJob

DOCS_ASSETS = "/api/docs/assets"  # Swagger UI and ReDoc scripts, styles and icon


def create_app(
    settings: Settings | None = None,
    *,
    resources: Resources | None = None,
    jobs: Mapping[str, JobFunction] | None = None,
    schedule: Sequence[ScheduledJob] | None = None,
    startup_jobs_delay: float = 0.0,
) -> FastAPI:
    """`startup_jobs_delay`: seconds the embedded runner waits before the start-up jobs
    (catch-up, prices, heartbeat), so a starting server answers first (`staketrack serve`
    passes one; tests run them at once)."""
    settings = settings or load_settings()
    pin_recursion_limit()  # before any request: py_ecc raises it to 100,000 on import

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from workers.jobs import JOBS
        from workers.schedule import SCHEDULE

        res = resources or open_resources(settings)
        scheduler: InProcessScheduler | None = None
        if settings.redis_url:  # production: the arq worker runs jobs and cron
            from workers.arq_settings import ArqJobQueue

            queue: InProcessJobQueue | ArqJobQueue = await ArqJobQueue.connect(settings.redis_url)
        else:
            queue = InProcessJobQueue(
                JobDeps.from_resources(res),
                JOBS if jobs is None else jobs,
                keep_result_seconds=settings.job_keep_result_seconds,
            )
            scheduler = InProcessScheduler(queue, SCHEDULE if schedule is None else schedule)
            await scheduler.start(startup_jobs_delay)
        app.state.resources = res
        app.state.jobs = queue
        # --- admin: the API's errors, counted in process, written every few seconds ---
        recorder = app.state.error_recorder = ErrorRecorder()
        errors_flusher = asyncio.create_task(recorder.run(res.session_factory))
        if settings.network == "demo":
            await seed_demo_labels(res, settings.demo_eth_validators)
        # start-up objects live for the process: keep them out of every full GC pass
        # (measured: ~100 ms pauses down to a few ms under load)
        gc.freeze()
        gc.enable()  # `staketrack` turns it off for the start-up (api/cli.py)
        try:
            yield
        finally:  # bounded: `staketrack serve` exits within 10 s of SIGTERM
            from workers.shutdown import bounded

            errors_flusher.cancel()
            await bounded(recorder.flush(res.session_factory), "api_errors", seconds=0.5)
            if scheduler is not None:
                await bounded(scheduler.stop(), "scheduler", seconds=1.5)
            await bounded(queue.close(), "job_queue", seconds=6.0)  # its own grace inside
            if resources is None:
                await bounded(res.close(), "resources", seconds=2.5)

    # the docs pages load Swagger UI and ReDoc from this process (fastapi-offline ships
    # them), never from a CDN: they work offline and behind a strict network policy
    app = FastAPIOffline(
        title="StakeTrack AI API",
        version=version("staketrack"),
        description="Staking analytics for Ethereum, Solana and Cosmos Hub. "
        "Every response is `{data, meta}`; every error is `{error, code, details}`.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url="/api/redoc",
        static_url=DOCS_ASSETS,
        favicon_url=f"{DOCS_ASSETS}/favicon.png",
        swagger_ui_oauth2_redirect_url="/api/docs/oauth2-redirect",
        swagger_ui_parameters={"validatorUrl": None},  # no badge from validator.swagger.io
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
    )
    app.state.settings = settings
    if resources is not None:
        postgres = resources.engine.dialect.name != "sqlite"
    else:
        postgres = not settings.effective_database_url.startswith("sqlite")
    redis = bool(settings.redis_url) or (resources is not None and resources.redis is not None)
    install_error_handlers(app, postgres=postgres, redis=redis)
    # cached authenticated reads answered before routing (inside the edge and the access log)
    app.add_middleware(FastReadsMiddleware)
    app.add_middleware(
        EdgeGuardMiddleware,
        max_body_bytes=settings.max_request_body_bytes,
        max_json_depth=settings.max_json_depth,
    )
    app.add_middleware(RequestContextMiddleware)
    # --- browser access (accounts): CORS outermost, after every other middleware ---
    install_cors(app, settings)
    # --- end browser access ---
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(auth.router)
    app.include_router(me.router)
    app.include_router(webhooks.router)
    # before /api/alerts/{id} (alerts CRUD): /api/alerts/unsubscribe is not an alert id
    app.include_router(alert_links.router)
    app.include_router(job_status.router)
    app.include_router(cron.router)
    app.include_router(portfolio.router)
    app.include_router(validators.router)
    app.include_router(real_yield.router)
    app.include_router(vrs.router)
    app.include_router(rewards_routes.router)
    app.include_router(alerts.router)
    app.include_router(admin.router)
    app.include_router(watchlist.router)
    app.include_router(subscription.router)
    document_responses(app)  # every status each route can answer, after all routes
    install_spa(app, settings.web_dist)  # last: it answers every GET path the API does not
    return app
