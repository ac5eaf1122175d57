"""Running a location's alert-delivery sensor the way the daemon does, tick after tick."""

from dagster import SensorResult, build_sensor_context


class Ticks:
    """Evaluates one delivery sensor repeatedly, carrying its cursor as the daemon would (a
    tick that raises keeps the previous cursor)."""

    def __init__(self, sensor, instance, sink):
        self.sensor, self.instance, self.sink, self.cursor = sensor, instance, sink, None

    def tick(self):
        context = build_sensor_context(
            instance=self.instance, cursor=self.cursor, resources={"alerts": self.sink}
        )
        result = self.sensor(context)
        if isinstance(result, SensorResult) and result.cursor is not None:
            self.cursor = result.cursor
        return result


def delivery_sensor(location: str):
    """The alert-delivery sensor of a code location's definitions."""
    import importlib

    definitions = importlib.import_module(f"{location}_assets.definitions")
    return definitions.defs().get_sensor_def(f"{location}_alert_delivery")
