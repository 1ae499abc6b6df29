"""Builds the map page with folium, offline: every script and style is a local file or inline.

Qt-free, so it runs on a worker thread. The live page references assets copied beside it;
the report export inlines them (images as data URIs) so one HTML file works anywhere.
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import mimetypes
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster

import resources
from widgets.common.palette import PRIORITY_COLORS
from widgets.map import geo

MAP_RES = Path(resources.__file__).resolve().parent / "map"
LEAFLET_DIR = Path(xs_leaflet.BASE_DIR)
CLUSTER_DIR = Path(xs_cluster.BASE_DIR)

# (name, source file, file name in the page's assets folder), in load order.
JS_ASSETS = [
    ("leaflet", LEAFLET_DIR / "leaflet.js", "leaflet.js"),
    ("markercluster", CLUSTER_DIR / "leaflet.markercluster.js", "leaflet.markercluster.js"),
    ("qwebchannel", None, "qwebchannel.js"),  # text from Qt's resources, handed in by the caller
    ("sc_map", MAP_RES / "sc_map.js", "sc_map.js"),
]
CSS_ASSETS = [
    ("leaflet_css", LEAFLET_DIR / "leaflet.css", "leaflet.css"),
    ("markercluster_css", CLUSTER_DIR / "MarkerCluster.css", "MarkerCluster.css"),
    ("sc_map_css", MAP_RES / "sc_map.css", "sc_map.css"),
]

DISTRICT_FILL = {"center": "#17222f", "residential": "#131b26", "industrial": "#191a21", "village": "#121c1a"}
STREET_STYLE = {"main": ("#3f4d60", 5), "secondary": ("#2f3a4a", 3), "minor": ("#263140", 2)}


@dataclass(frozen=True)
class BaseMap:
    """What lies under the live layers: the vector city, a tile URL template, or local MBTiles."""

    kind: str = "vector"          # vector | tiles | mbtiles
    tile_url: str = ""            # a template with {z}/{x}/{y}; for mbtiles, the local server's
    attribution: str = ""


@dataclass
class PageSpec:
    base: BaseMap
    layers: list[dict]                     # layer definitions (see widgets.map.layers)
    text: dict                             # translated strings the page shows
    base_titles: dict                      # base overlay name -> translated title
    center: tuple[float, float] = geo.CITY_CENTER
    zoom: int = 14
    snapshot: dict | None = None           # ops applied at load when there is no Qt (exports)
    fit_city: bool = True                  # open on the whole town, whatever the window size
    extra: dict = field(default_factory=dict)


def _init_element(cfg: dict):
    """A folium element that calls SC.init(map, cfg) after the map and the base layers exist.

    folium (a second of imports) is loaded here, on the worker that builds the page.
    """
    from branca.element import MacroElement
    from jinja2 import Template

    class SCInit(MacroElement):
        _template = Template("""
            {% macro script(this, kwargs) %}
            SC.init({{ this._parent.get_name() }}, {{ this.cfg_json }});
            {% endmacro %}
        """)

    element = SCInit()
    element._name = "SCInit"
    # "</" inside a script would end it early.
    element.cfg_json = json.dumps(cfg, ensure_ascii=False).replace("</", "<\\/")
    return element


def _halfway(line: list[list[float]]) -> tuple[float, float]:
    """The point half-way along a [lon, lat] polyline (flat-earth lengths: fine for a town)."""
    lengths = [((b[0] - a[0]) * 0.62) ** 2 + (b[1] - a[1]) ** 2 for a, b in zip(line, line[1:])]
    lengths = [x ** 0.5 for x in lengths]
    target = sum(lengths) / 2
    for (a, b), seg in zip(zip(line, line[1:]), lengths):
        if seg and target <= seg:
            t = target / seg
            return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        target -= seg
    return tuple(line[-1])


def _labels() -> list[dict]:
    out: list[dict] = []
    for f in geo.load_base("districts")["features"]:
        ring = f["geometry"]["coordinates"][0][:-1]
        lon = sum(p[0] for p in ring) / len(ring)
        lat = sum(p[1] for p in ring) / len(ring)
        out.append({"lat": lat, "lon": lon, "text": f["properties"]["name"], "kind": "district"})
    for f in geo.load_base("streets")["features"]:
        if f["properties"]["kind"] == "minor":
            continue
        lon, lat = _halfway(f["geometry"]["coordinates"])  # mid-length, not a shared crossing vertex
        out.append({"lat": lat, "lon": lon, "text": f["properties"]["name"], "kind": "street"})
    for f in geo.load_base("landmarks")["features"]:
        lon, lat = f["geometry"]["coordinates"]
        major = f["properties"]["kind"] in ("industrial", "transport")  # seen from the whole-town view
        out.append({"lat": lat - 0.0006, "lon": lon, "text": f["properties"]["name"],
                    "kind": "landmark-major" if major else "landmark"})
    for f in geo.load_base("water")["features"]:
        if f["properties"]["kind"] in ("reservoir", "river"):
            pts = f["geometry"]["coordinates"]
            pts = pts[0] if f["geometry"]["type"] == "Polygon" else pts
            lon = sum(p[0] for p in pts) / len(pts)
            lat = sum(p[1] for p in pts) / len(pts)
            if f["properties"]["kind"] == "reservoir":  # its town shore, where the map opens
                lon = max(p[0] for p in pts) - 0.009
            out.append({"lat": lat, "lon": lon, "text": f["properties"]["name"], "kind": "water"})
    return out


def _water_style(feature: dict) -> dict:
    kind = feature["properties"]["kind"]
    if kind == "river":
        return {"color": "#154a73", "weight": 8, "opacity": 1}
    if kind == "park":
        return {"color": "#18352a", "weight": 1, "fillColor": "#10231b", "fillOpacity": 1}
    return {"color": "#1d5482", "weight": 1.5, "fillColor": "#0d2b45", "fillOpacity": 1}


def _district_style(feature: dict) -> dict:
    return {"color": "#2a3a50", "weight": 1.2, "dashArray": "4 3",
            "fillColor": DISTRICT_FILL.get(feature["properties"]["kind"], "#131b26"), "fillOpacity": 1}


def _building_style(_feature: dict) -> dict:
    return {"color": "#33425a", "weight": 0.8, "fillColor": "#222d3d", "fillOpacity": 1}


def _street_style(feature: dict) -> dict:
    color, weight = STREET_STYLE.get(feature["properties"]["kind"], STREET_STYLE["secondary"])
    return {"color": color, "weight": weight, "opacity": 1, "lineCap": "round"}


def build_map(spec: PageSpec):
    """The folium map with the base; live layers are made by the page script."""
    import folium

    m = folium.Map(location=list(spec.center), zoom_start=spec.zoom, tiles=None, prefer_canvas=True,
                   control_scale=False, zoom_control=True)  # the page adds a metric-only scale
    # Without a tile layer Leaflet knows no zoom range, and marker clustering needs one.
    m.options.update(max_zoom=19, min_zoom=11, zoom_snap=0.5, zoom_delta=0.5)
    # Only local files: folium's CDN defaults (and bootstrap/jquery/awesome-markers) are dropped.
    m.default_js = [(name, target) for name, _, target in JS_ASSETS]
    m.default_css = [(name, target) for name, _, target in CSS_ASSETS]
    vector_visible = spec.base.kind == "vector" or not spec.base.tile_url
    if not vector_visible:
        folium.TileLayer(tiles=spec.base.tile_url, attr=spec.base.attribution or "&nbsp;",
                         name=spec.base_titles.get("tiles", "Tiles"), max_zoom=19, max_native_zoom=19,
                         overlay=False, control=False).add_to(m)
    overlays = []
    base = [
        ("districts", _district_style, None),
        ("water", _water_style, None),
        ("buildings", _building_style, None),
        ("streets", _street_style, folium.GeoJsonTooltip(fields=["name"], labels=False, sticky=True)),
        ("landmarks", None, folium.GeoJsonTooltip(fields=["name"], labels=False)),
    ]
    for name, style, tooltip in base:
        kw = {}
        if name == "landmarks":
            kw["marker"] = folium.CircleMarker(radius=4, color="#0b1018", weight=1.5, fill=True,
                                               fill_color="#9fb0c6", fill_opacity=1)
        layer = folium.GeoJson(geo.load_base(name), name=spec.base_titles.get(name, name), style_function=style,
                               tooltip=tooltip, show=vector_visible or name == "landmarks", control=False,
                               smooth_factor=0.5, **kw)
        layer.add_to(m)
        overlays.append({"var": layer.get_name(), "title": spec.base_titles.get(name, name)})
    cfg = {"layers": spec.layers, "text": spec.text, "baseOverlays": overlays,
           "labels": _labels() if vector_visible else [], "snapshot": spec.snapshot,
           "fitBounds": geo.CITY_BOUNDS if spec.fit_city else None, "priorityColors": PRIORITY_COLORS,
           **spec.extra}
    m.add_child(_init_element(cfg))
    return m


def render(spec: PageSpec) -> str:
    return build_map(spec).get_root().render()


def write_page(spec: PageSpec, out_dir: Path, qwebchannel_js: str) -> Path:
    """The live page in out_dir/index.html with its assets in out_dir/assets/."""
    assets = out_dir / "assets"
    (assets / "images").mkdir(parents=True, exist_ok=True)
    for _, src, target in JS_ASSETS + CSS_ASSETS:
        if src is not None:
            _copy_if_changed(src, assets / target)
    for img in (LEAFLET_DIR / "images").glob("*.png"):
        _copy_if_changed(img, assets / "images" / img.name)
    (assets / "qwebchannel.js").write_text(qwebchannel_js, encoding="utf-8")
    html = render(spec)
    for _, _, target in JS_ASSETS + CSS_ASSETS:
        html = html.replace(f'"{target}"', f'"assets/{target}"')
    page = out_dir / "index.html"
    page.write_text(html, encoding="utf-8")
    return page


def page_key(spec: PageSpec, qwebchannel_js: str) -> str:
    """Changes whenever anything that goes into the page does: the spec, our assets, the libraries."""
    h = hashlib.sha256(json.dumps(dataclasses.asdict(spec), sort_keys=True, ensure_ascii=False,
                                  default=str).encode())
    h.update(qwebchannel_js.encode())
    sources = [src for _, src, _ in JS_ASSETS + CSS_ASSETS if src is not None]
    sources += [geo.CITY_DIR / f"kurchatov_{name}.geojson" for name in geo.BASE_LAYERS]
    # In a frozen bundle this module has no file of its own: the bundle's executable stands for it.
    sources.append(Path(__file__) if Path(__file__).exists() else Path(sys.executable))
    for src in sources:
        st = src.stat()
        h.update(f"{src}:{st.st_size}:{st.st_mtime_ns}".encode())
    h.update(version("folium").encode())
    return h.hexdigest()[:24]


def cached_page(spec: PageSpec, cache_root: Path, qwebchannel_js: str, keep: int = 8) -> Path:
    """The page for this spec, built once and reused across starts (folium is then not even imported)."""
    final = cache_root / page_key(spec, qwebchannel_js)
    page = final / "index.html"
    if page.is_file():
        os.utime(final)  # recently used: survives pruning
        return page
    cache_root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=cache_root))
    write_page(spec, tmp, qwebchannel_js)
    try:
        os.rename(tmp, final)
    except OSError:  # another window built the same page meanwhile
        shutil.rmtree(tmp, ignore_errors=True)
    built = sorted((d for d in cache_root.iterdir() if d.is_dir() and not d.name.startswith(".")),
                   key=lambda d: d.stat().st_mtime, reverse=True)
    for old in built[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    return page


def standalone_html(spec: PageSpec) -> str:
    """One self-contained HTML file: every asset inline, no channel to Qt."""
    html = render(spec)
    for name, src, target in JS_ASSETS:
        tag = re.compile(r'<script src="' + re.escape(target) + r'"></script>')
        body = "" if src is None else src.read_text(encoding="utf-8")
        body = body.replace("</script", "<\\/script")
        html = tag.sub(lambda _m, b=body: f"<script>\n{b}\n</script>", html, count=1)
    for name, src, target in CSS_ASSETS:
        tag = re.compile(r'<link rel="stylesheet" href="' + re.escape(target) + r'"/>')
        css = _inline_css_urls(src.read_text(encoding="utf-8"), src.parent)
        html = tag.sub(lambda _m, c=css: f"<style>\n{c}\n</style>", html, count=1)
    return html


def _inline_css_urls(css: str, base: Path) -> str:
    def repl(m: re.Match) -> str:
        ref = m.group(1).strip("'\"")
        path = base / ref
        if ref.startswith("data:") or not path.is_file():
            return m.group(0)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f"url(data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()})"

    return re.sub(r"url\(([^)]+)\)", repl, css)


def _copy_if_changed(src: Path, dst: Path) -> None:
    if dst.exists() and dst.stat().st_size == src.stat().st_size and dst.stat().st_mtime >= src.stat().st_mtime:
        return
    shutil.copyfile(src, dst)
