from pipelines.defs.warehouse.assets import warehouse_assets
from pipelines.defs.warehouse.checks import warehouse_checks

__all__ = ["warehouse_assets", "warehouse_checks"]
