"""Rebuild the alert sounds: python resources/sounds/make_sounds.py (standard library only)."""

import math
import struct
import wave
from pathlib import Path

RATE = 22050


def critical_alert() -> bytes:
    """Two rising three-note chimes, ~1.2 s: audible over a control room, not a siren."""
    frames = bytearray()

    def tone(freq: float, dur: float, vol: float = 0.5) -> None:
        n = int(RATE * dur)
        for i in range(n):
            env = min(1.0, i / (RATE * 0.01), (n - i) / (RATE * 0.02))  # 10 ms attack, 20 ms release
            v = vol * env * (math.sin(2 * math.pi * freq * i / RATE)
                             + 0.3 * math.sin(2 * math.pi * 2 * freq * i / RATE)) / 1.3
            frames.extend(struct.pack("<h", int(v * 32767)))

    def silence(dur: float) -> None:
        frames.extend(b"\0\0" * int(RATE * dur))

    for _ in range(2):
        tone(880, 0.16); silence(0.05); tone(1175, 0.16); silence(0.05); tone(1568, 0.22); silence(0.18)
    return bytes(frames)


if __name__ == "__main__":
    out = Path(__file__).with_name("critical_alert.wav")
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(critical_alert())
    print(out)
