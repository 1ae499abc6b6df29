"""The SUMO network of the 4 intersections, built with netconvert from intersections.json.

Each intersection is a signalised four-arm junction at its camera's place (a local metric
projection around the city centre); each approach has one lane with an advance loop 60 m
and a stop-bar loop 3 m before the stop line, named "{id}:{channel}" after the controller's
detector channels.
"""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent / "network"
DESCRIPTION = HERE / "intersections.json"
ARMS = {"W": (-1, 0), "E": (1, 0), "N": (0, 1), "S": (0, -1)}
OPPOSITE = {"W": "E", "E": "W", "N": "S", "S": "N"}
RIGHT_OF = {"W": "S", "E": "N", "N": "W", "S": "E"}  # an eastbound car (from W) turns right to the south


@dataclass(frozen=True)
class Built:
    net: Path
    detectors: Path
    description: dict


def description() -> dict:
    return json.loads(DESCRIPTION.read_text())


def tool(name: str) -> str:
    """SUMO's binaries land beside the venv's python (eclipse-sumo from PyPI)."""
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else name


def _xy(d: dict, lat: float, lon: float) -> tuple[float, float]:
    o = d["origin"]
    return ((lon - o["lon"]) * 111_320 * math.cos(math.radians(o["lat"])), (lat - o["lat"]) * 111_320)


def plain_xml(d: dict) -> tuple[str, str]:
    nodes, edges = ['<nodes>'], ['<edges>']
    arm = d["arm_m"]
    for x in d["intersections"]:
        cx, cy = _xy(d, x["lat"], x["lon"])
        nodes.append(f'  <node id="{x["id"]}" x="{cx:.1f}" y="{cy:.1f}" type="traffic_light" tl="{x["id"]}"/>')
        for a, (dx, dy) in ARMS.items():
            nid = f'{x["id"]}.{a}'
            nodes.append(f'  <node id="{nid}" x="{cx + dx * arm:.1f}" y="{cy + dy * arm:.1f}" type="priority"/>')
            edges.append(f'  <edge id="{x["id"]}.{a}.in" from="{nid}" to="{x["id"]}" numLanes="1" speed="13.89"/>')
            edges.append(f'  <edge id="{x["id"]}.{a}.out" from="{x["id"]}" to="{nid}" numLanes="1" speed="13.89"/>')
    return "\n".join(nodes + ["</nodes>"]) + "\n", "\n".join(edges + ["</edges>"]) + "\n"


def detectors_xml(d: dict, output: Path) -> str:
    out = ["<additional>"]
    for x in d["intersections"]:
        for a, ap in d["approaches"].items():
            lane = f'{x["id"]}.{a}.in_0'
            for ch, pos in ((ap["advance"], -60), (ap["stopbar"], -3)):
                out.append(f'  <inductionLoop id="{x["id"]}:{ch}" lane="{lane}" pos="{pos}" period="3600" '
                           f'file="{output}" friendlyPos="true"/>')
    return "\n".join(out + ["</additional>"]) + "\n"


def build(workdir: Path) -> Built:
    """netconvert the description into workdir (reused while the description is unchanged)."""
    d = description()
    workdir.mkdir(parents=True, exist_ok=True)
    nod, edg = plain_xml(d)
    digest = hashlib.sha256((nod + edg).encode()).hexdigest()[:12]
    net = workdir / f"kurchatov-{digest}.net.xml"
    (workdir / "kurchatov.nod.xml").write_text(nod)
    (workdir / "kurchatov.edg.xml").write_text(edg)
    if not net.exists():
        subprocess.run([tool("netconvert"), "--node-files", str(workdir / "kurchatov.nod.xml"),
                        "--edge-files", str(workdir / "kurchatov.edg.xml"), "--output-file", str(net),
                        "--no-turnarounds", "true", "--tls.default-type", "static", "--no-warnings", "true"],
                       check=True, capture_output=True)
    det = workdir / "kurchatov.det.xml"
    det.write_text(detectors_xml(d, workdir / "loops.out.xml"))
    return Built(net=net, detectors=det, description=d)
