"""The situation map panel (issue 4): folium/Leaflet in a QWebEngineView, offline, fed by QWebChannel.

How other panels put things on the map (all calls on the GUI thread; items are JSON dicts
with an "id" and "lat"/"lon", or a GeoJSON "geometry" for shapes; see layers.py):

    panel = window.panels["map"]                      # widgets.map.panel.MapPanel
    panel.set_layer_items("cameras", cameras)         # replace a layer
    panel.update_items("buses", positions)            # add/change/move by id; 5,000 at once is fine
    panel.remove_items("stops", [3, 4])
    panel.register_layer(LayerDef("sensors", "Sensors", style="dot"), title=self.tr("Sensors"))  # ad hoc; features declare theirs
    ctx.bus.map_items_changed.emit("cameras", cameras)  # the same as set_layer_items, without a reference

Layers made by default: incidents (filled from the API and the event stream by the panel
itself), cameras, stops, buses, intersections, energy, excavations, cleaning.
The panel emits ctx.bus.incident_selected / incident_open_requested (click on an incident),
create_incident_at (right-click → "New incident here"), area_filter_changed (drawn area)
and camera_open_requested (a camera's "Show on video wall"); a camera dragged off the map
carries its id as "application/x-sc-camera-id".
"""
