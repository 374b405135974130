"""Background asyncio tasks of the long-running processes."""

from __future__ import annotations

import asyncio
from typing import Any


async def cancel_and_wait(task: asyncio.Task[Any] | None) -> None:
    """Cancel a background task and wait until it has ended (its cancellation swallowed)."""
    if task is not None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
