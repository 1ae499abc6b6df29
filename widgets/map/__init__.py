"""The situation map panel: folium/Leaflet in a QWebEngineView, offline, fed by QWebChannel.

The map draws the layers every registered feature declares (``FeatureSpec.layers``) and the
open incidents, which it takes from the one incident gateway (``ctx.incidents``), so an
incident logged offline is on it at once. A feature fills its layers without a reference to
the map (all on the GUI thread; items are JSON dicts with an "id" and "lat"/"lon", or a
GeoJSON "geometry" for shapes; see layers.py):

    ctx.bus.map_items_changed.emit("cameras", cameras)   # replace what a layer shows

With the panel itself (benches, tests): ``set_layer_items``, ``update_items`` (add/change/move
by id; 5,000 at once is fine), ``remove_items``, and ``register_layer(LayerDef(...), title)``
for an ad hoc layer.

The panel emits ctx.bus.incident_selected / incident_open_requested (click on an incident),
create_incident_at (right-click → "New incident here"), area_filter_changed (drawn area)
and camera_open_requested (a camera's "Show on video wall"); a camera dragged off the map
carries its id as "application/x-sc-camera-id".
"""
