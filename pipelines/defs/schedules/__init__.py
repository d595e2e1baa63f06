from pipelines.defs.schedules.definitions import jobs, schedules, sensors, when_raw_data_lands

__all__ = ["jobs", "schedules", "sensors", "when_raw_data_lands"]
