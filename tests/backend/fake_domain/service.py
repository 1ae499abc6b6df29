"""A background duty that only records that it ran."""

LOG: list[str] = []


class BeaconService:
    def start(self) -> None:
        LOG.append("start")

    def stop(self) -> None:
        LOG.append("stop")


def beacon_service(app) -> BeaconService:
    return BeaconService()
