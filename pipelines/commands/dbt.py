"""`mcatlas dbt ...`: dbt's own commands over the warehouse project, with what the pipeline hands dbt (the
project's profile, the offer schema's enumerations), for those who want `dbt docs`, `dbt ls` or `dbt compile`.

Commands that write the warehouse are refused: `mcatlas run` builds in a copy and publishes it whole, while a
plain `dbt build` would rebuild the live file model by model with readers watching.
"""

from __future__ import annotations

import subprocess
import sys

import click

from pipelines.commands import fail

WRITES = {"build", "run", "seed", "snapshot", "run-operation", "clone", "retry"}


@click.command(
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def dbt(args: tuple[str, ...]) -> None:
    """Run dbt over warehouse/dbt (e.g. `mcatlas dbt docs generate`, `mcatlas dbt ls -s marts`)."""
    from warehouse import build

    if args and args[0] in WRITES:
        fail(f"`dbt {args[0]}` writes the warehouse in place: use `mcatlas run`, which builds a copy and publishes it")
    env = build.dbt_env()
    # without MCATLAS_DBT_PATH the profile points at a scratch file in target/, never at the live warehouse
    (build.DBT_PROJECT_DIR / "target").mkdir(exist_ok=True)
    cmd = [build.dbt_executable(), *args]
    if args and args[0] not in ("--help", "-h", "--version"):
        cmd += build.project_args()
    try:
        code = subprocess.call(cmd, env=env, cwd=build.DBT_PROJECT_DIR)
    except OSError as exc:
        fail(f"cannot run dbt ({cmd[0]}): {exc.strerror}")
    sys.exit(code)


__all__ = ["dbt"]
