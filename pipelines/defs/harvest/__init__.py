from pipelines.defs.harvest.assets import harvest_assets
from pipelines.defs.harvest.checks import harvest_checks

__all__ = ["harvest_assets", "harvest_checks"]
