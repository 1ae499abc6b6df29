"""Motion and tamper detection on key frames only: cheap enough for every camera, always on."""

from __future__ import annotations

import cv2
import numpy as np

import av

WIDTH = 160
DIFF_LEVEL = 25          # grey levels a pixel must change by
MOTION_SHARE = 0.01      # share of changed pixels that counts as motion
TAMPER_STD = 6.0         # a covered or painted lens: the picture is nearly uniform


class KeyFrameSampler:
    """Decodes a camera's key frames (at most one per `interval` seconds) into small grey images."""

    def __init__(self, stream, interval: float = 1.0) -> None:
        self.interval = interval
        self._dec = av.CodecContext.create(stream.codec_context.name, "r")
        if stream.codec_context.extradata:
            self._dec.extradata = stream.codec_context.extradata
        self._dec.flags |= 0x80000  # AV_CODEC_FLAG_LOW_DELAY: hand the frame out at once
        self._dec.thread_count = 1
        self._last = float("-inf")
        self._prev: np.ndarray | None = None

    def feed(self, packet, t: float) -> list[tuple[float, float, bool]]:
        """(motion score, std, tampered) for each sampled frame; packet must be a key frame."""
        if t - self._last < self.interval * 0.9:  # key frames come at the interval, give or take
            return []
        self._last = t
        out = []
        try:
            frames = self._dec.decode(packet)
        except av.error.FFmpegError:
            return []
        for frame in frames:
            h = max(2, round(WIDTH * frame.height / max(1, frame.width)) // 2 * 2)
            grey = frame.reformat(width=WIDTH, height=h, format="gray").to_ndarray()
            grey = cv2.GaussianBlur(grey, (5, 5), 0)
            score = 0.0
            if self._prev is not None and self._prev.shape == grey.shape:
                diff = cv2.absdiff(grey, self._prev)
                score = float(np.count_nonzero(diff > DIFF_LEVEL)) / diff.size
            self._prev = grey
            std = float(grey.std())
            out.append((score, std, std < TAMPER_STD))
        return out
