"""Archive calls: timeline, audited playback, segment URLs, bookmarks, locks, exports. No Qt."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from backend_client.client import ApiClient
from backend_client.schemas.recordings import BookmarkOut, ExportOut, LockOut, PlaybackOut, Timeline

BASE = "/api/v1/recordings"


def _iso(t: datetime) -> str:
    # The server wants a zone (a naive time is ambiguous): a naive one here means local time.
    return (t if t.tzinfo else t.astimezone()).isoformat()


class RecordingsApi:
    def __init__(self, client: ApiClient) -> None:
        self.client = client

    def timeline(self, camera_id: int, start: datetime, end: datetime) -> Timeline:
        data = self.client.request("GET", f"{BASE}/cameras/{camera_id}/timeline",
                                   params={"start": _iso(start), "end": _iso(end)})
        return Timeline.model_validate(data)

    def start_playback(self, camera_ids: list[int], start: datetime, end: datetime, at: datetime,
                       reason: str) -> PlaybackOut:
        body = {"camera_ids": camera_ids, "start": _iso(start), "end": _iso(end), "at": _iso(at), "reason": reason}
        return PlaybackOut.model_validate(self.client.request("POST", f"{BASE}/playback", json=body))

    def segment_url(self, segment_id: int, playback_id: int) -> str:
        return self.client.url(f"{BASE}/segments/{segment_id}/file?playback={playback_id}")

    def segment_headers(self) -> dict[str, str]:
        return self.client.auth_headers()

    def download_segment(self, segment_id: int, playback_id: int, dest: Path) -> Path:
        r = self.client.request("GET", f"{BASE}/segments/{segment_id}/file", params={"playback": playback_id},
                                raw=True)
        tmp = dest.with_name(dest.name + ".part")
        tmp.write_bytes(r.content)
        tmp.replace(dest)
        return dest

    def add_bookmark(self, camera_id: int, at: datetime, note: str) -> BookmarkOut:
        data = self.client.request("POST", f"{BASE}/bookmarks", json={"camera_id": camera_id, "at": _iso(at),
                                                                      "note": note})
        return BookmarkOut.model_validate(data)

    def delete_bookmark(self, bookmark_id: int) -> None:
        self.client.request("DELETE", f"{BASE}/bookmarks/{bookmark_id}")

    def add_lock(self, camera_id: int, start: datetime, end: datetime, reason: str) -> LockOut:
        data = self.client.request("POST", f"{BASE}/locks", json={"camera_id": camera_id, "start": _iso(start),
                                                                  "end": _iso(end), "reason": reason})
        return LockOut.model_validate(data)

    def create_export(self, camera_id: int, start: datetime, end: datetime, reason: str) -> ExportOut:
        data = self.client.request("POST", f"{BASE}/exports", json={"camera_id": camera_id, "start": _iso(start),
                                                                    "end": _iso(end), "reason": reason})
        return ExportOut.model_validate(data)

    def export(self, export_id: int) -> ExportOut:
        return ExportOut.model_validate(self.client.request("GET", f"{BASE}/exports/{export_id}"))

    def download_export(self, export_id: int, dest: Path) -> Path:
        r = self.client.request("GET", f"{BASE}/exports/{export_id}/file", raw=True,
                                timeout=(3.05, 300))
        dest.write_bytes(r.content)
        return dest
