/* Situation Center map page: live layers, selection, area drawing, bridge to Python.
 *
 * Python sends batched JSON messages ({seq, ops: [...]}) through QWebChannel's
 * `scBridge.batch` signal; the page answers through the bridge's slots. Without Qt
 * (a standalone report export) the page applies the snapshot embedded in its config.
 */
(function () {
  'use strict';

  var SC = window.SC = {
    map: null, cfg: null, bridge: null, layers: {}, selectedId: null,
    area: null, areaLayer: null, applied: 0, standalone: true, lastApplyMs: 0
  };

  function callBridge(name) {
    var args = Array.prototype.slice.call(arguments, 1);
    if (SC.bridge && SC.bridge[name]) { SC.bridge[name].apply(SC.bridge, args); }
  }

  function esc(text) {
    return String(text == null ? '' : text).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }

  /* ------------------------------------------------------------------ layers */

  var PRIORITY_RANK = {critical: 0, high: 1, medium: 2, low: 3};

  function incidentIcon(item) {
    var cls = 'sc-inc sc-p-' + (item.priority || 'low');
    if (item.overdue) { cls += ' sc-overdue'; }
    if (SC.selectedId === item.id) { cls += ' sc-selected'; }
    return L.divIcon({className: 'sc-inc-wrap', html: '<div class="' + cls + '"></div>',
                      iconSize: [18, 18], iconAnchor: [9, 9]});
  }

  function clusterIcon(cluster) {
    var best = 3, overdue = false;
    var markers = cluster.getAllChildMarkers();
    for (var i = 0; i < markers.length; i++) {
      var it = markers[i].scItem;
      var r = PRIORITY_RANK[it.priority];
      if (r !== undefined && r < best) { best = r; }
      if (it.overdue) { overdue = true; }
    }
    var pr = ['critical', 'high', 'medium', 'low'][best];
    var n = cluster.getChildCount();
    var size = n < 10 ? 30 : n < 100 ? 36 : 44;
    return L.divIcon({
      html: '<div class="sc-cluster sc-p-' + pr + (overdue ? ' sc-overdue' : '') + '"><span>' + n + '</span></div>',
      className: 'sc-cluster-wrap', iconSize: [size, size]
    });
  }

  function glyphIcon(def, item) {
    var color = item.color || def.color || '#3e9eff';
    var glyph = esc(item.glyph || def.glyph || '');
    return L.divIcon({
      className: 'sc-glyph-wrap',
      html: '<div class="sc-glyph sc-layer-' + def.name + '" style="border-color:' + color + ';color:' + color + '">' +
            glyph + '</div>',
      iconSize: [22, 22], iconAnchor: [11, 11]
    });
  }

  function tooltipText(def, item) {
    if (item.title) { return esc(item.title); }
    return '';
  }


  /* ------------------------------------------------------- dots on one canvas */

  /* Thousands of moving things (buses, sensors): one canvas, one path per colour, redrawn
   * at most once a frame. Leaflet's own circle markers cost a layer object and events each. */
  var DotLayer = L.Layer.extend({
    initialize: function (def) {
      this.def = def;
      this.items = new Map();   // key -> {item, lat, lon}
      this._xs = new Float32Array(0); this._ys = new Float32Array(0); this._keys = [];
      this._frame = null;
    },
    onAdd: function (map) {
      this._canvas = L.DomUtil.create('canvas', 'sc-dots leaflet-zoom-hide');
      map.getPanes().overlayPane.appendChild(this._canvas);
      map.on('moveend zoomend resize viewreset', this._reset, this);
      this._reset();
    },
    onRemove: function (map) {
      map.off('moveend zoomend resize viewreset', this._reset, this);
      L.DomUtil.remove(this._canvas);
      this._canvas = null;
    },
    clearLayers: function () { this.items = new Map(); this.redraw(); },
    upsert: function (items, replace) {
      if (replace) { this.items = new Map(); }
      for (var i = 0; i < items.length; i++) {
        var it = items[i];
        this.items.set(String(it.id), {item: it, lat: it.lat, lon: it.lon});
      }
      this.redraw();
    },
    move: function (ids, coords) {
      for (var i = 0; i < ids.length; i++) {
        var rec = this.items.get(String(ids[i]));
        if (rec) { rec.lat = rec.item.lat = coords[2 * i]; rec.lon = rec.item.lon = coords[2 * i + 1]; }
      }
      this.redraw();
    },
    remove: function (ids) {
      for (var i = 0; i < ids.length; i++) { this.items.delete(String(ids[i])); }
      this.redraw();
    },
    get: function (key) {
      var rec = this.items.get(String(key));
      return rec ? {scItem: rec.item, getLatLng: function () { return L.latLng(rec.lat, rec.lon); }} : undefined;
    },
    redraw: function () {
      if (!this._map || this._frame) { return; }
      var self = this;
      this._frame = requestAnimationFrame(function () { self._frame = null; self._draw(); });
    },
    _reset: function () {
      if (!this._map || !this._canvas) { return; }
      var size = this._map.getSize(), dpr = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(this._canvas, this._map.containerPointToLayerPoint([0, 0]));
      this._canvas.width = size.x * dpr; this._canvas.height = size.y * dpr;
      this._canvas.style.width = size.x + 'px'; this._canvas.style.height = size.y + 'px';
      this._draw();
    },
    _draw: function () {
      if (!this._map || !this._canvas) { return; }
      var map = this._map, ctx = this._canvas.getContext('2d'), dpr = window.devicePixelRatio || 1;
      var size = map.getSize(), n = this.items.size;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);
      if (this._xs.length < n) { this._xs = new Float32Array(n * 2); this._ys = new Float32Array(n * 2); }
      this._keys = new Array(n);
      // Project with the map's origin once, not through latLngToContainerPoint per dot.
      var origin = map.getPixelOrigin().add(map._getMapPanePos()), zoom = map.getZoom();
      var crs = map.options.crs, byColor = {}, r = this.def.radius || 4, j = 0, def = this.def;
      // Web Mercator inline (Leaflet's EPSG3857 without an object per dot); other CRSs the slow way.
      var mercator = crs === L.CRS.EPSG3857, scale = 256 * Math.pow(2, zoom), rad = Math.PI / 180;
      this.items.forEach(function (rec, key) {
        var x, y;
        if (mercator) {
          var sin = Math.sin(Math.max(Math.min(rec.lat, 85.0511287798), -85.0511287798) * rad);
          x = scale * (rec.lon / 360 + 0.5) - origin.x;
          y = scale * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) - origin.y;
        } else {
          var p = crs.latLngToPoint(L.latLng(rec.lat, rec.lon), zoom);
          x = p.x - origin.x; y = p.y - origin.y;
        }
        this._xs[j] = x; this._ys[j] = y; this._keys[j] = key; j++;
        if (x < -r || y < -r || x > size.x + r || y > size.y + r) { return; }
        var c = rec.item.color || def.color || '#3e9eff';
        (byColor[c] || (byColor[c] = [])).push(x, y);
      }, this);
      // Stamp a pre-drawn dot per colour: a bitmap copy is far cheaper than rasterising
      // thousands of anti-aliased circles in software.
      for (var color in byColor) {
        var pts = byColor[color], sprite = this._sprite(color, r, dpr), half = sprite.cssSize / 2;
        for (var k = 0; k < pts.length; k += 2) {
          ctx.drawImage(sprite, Math.round(pts[k] - half), Math.round(pts[k + 1] - half), sprite.cssSize, sprite.cssSize);
        }
      }
    },
    _sprite: function (color, r, dpr) {
      var cache = this._sprites || (this._sprites = {}), key = color + '/' + r + '/' + dpr;
      if (cache[key]) { return cache[key]; }
      var css = Math.ceil(2 * r + 4), c = document.createElement('canvas');
      c.width = c.height = Math.ceil(css * dpr);
      var g = c.getContext('2d');
      g.scale(dpr, dpr);
      g.beginPath();
      g.arc(css / 2, css / 2, r, 0, 6.2832);
      g.fillStyle = color;
      g.fill();
      g.lineWidth = 1.5;
      g.strokeStyle = '#0b1018';
      g.stroke();
      c.cssSize = css;
      cache[key] = c;
      return c;
    },
    hit: function (containerPoint) {
      var best = null, bestD = (this.def.radius || 4) + 4, x = containerPoint.x, y = containerPoint.y;
      for (var i = 0; i < this._keys.length; i++) {
        var d = Math.abs(this._xs[i] - x) + Math.abs(this._ys[i] - y);
        if (d < bestD) { bestD = d; best = this._keys[i]; }
      }
      return best;
    }
  });

  Object.defineProperty(DotLayer.prototype, 'size', {get: function () { return this.items.size; }});
  DotLayer.prototype.has = function (key) { return this.items.has(String(key)); };
  DotLayer.prototype.keys = function () { return this.items.keys(); };

  function dotUnder(e) {
    if (!e.latlng) { return null; }
    var pt = e.containerPoint || SC.map.latLngToContainerPoint(e.latlng);
    var names = Object.keys(SC.layers);
    for (var i = 0; i < names.length; i++) {
      var l = SC.layers[names[i]];
      if (l.def.style === 'dot' && SC.map.hasLayer(l.group)) {
        var key = l.group.hit(pt);
        if (key != null) { return {layer: l, key: key}; }
      }
    }
    return null;
  }

  var dotTip = null;
  function onDotHover(e) {
    var hit = draw.mode ? null : dotUnder(e);
    var rec = hit && hit.layer.group.items.get(hit.key);
    SC.map.getContainer().classList.toggle('sc-over-dot', !!hit);
    if (rec && rec.item.title) {
      if (!dotTip) { dotTip = L.tooltip({className: 'sc-tip', direction: 'top', offset: [0, -6]}); }
      dotTip.setLatLng([rec.lat, rec.lon]).setContent(esc(rec.item.title));
      if (!SC.map.hasLayer(dotTip)) { dotTip.addTo(SC.map); }
    } else if (dotTip && SC.map.hasLayer(dotTip)) {
      SC.map.removeLayer(dotTip);
    }
  }

  function makeLayer(def) {
    var group;
    if (def.style === 'incident') {
      group = L.markerClusterGroup({
        maxClusterRadius: 32, disableClusteringAtZoom: 15, spiderfyOnMaxZoom: false,
        showCoverageOnHover: false, chunkedLoading: true, iconCreateFunction: clusterIcon
      });
    } else if (def.style === 'dot') {
      group = new DotLayer(def);
    } else {
      group = L.featureGroup();
    }
    // A dot layer keeps its own items; it answers size/get/has/keys like the Map the others use.
    var layer = {def: def, group: group, items: group instanceof DotLayer ? group : new Map()};
    SC.layers[def.name] = layer;
    if (def.visible !== false) { group.addTo(SC.map); }
    if (SC.control) { SC.control.addOverlay(group, esc(def.title)); }
    return layer;
  }

  function createItem(layer, item) {
    var def = layer.def, obj;
    if (def.style === 'incident') {
      obj = L.marker([item.lat, item.lon], {icon: incidentIcon(item), keyboard: false,
                                             riseOnHover: true});
      obj.on('click', function () { SC.selectIncident(item.id, false); callBridge('incidentClicked', item.id); });
      obj.on('contextmenu', function (e) { L.DomEvent.stop(e); contextMenu(e, 'incident', item.id); });
    } else if (def.style === 'shape') {
      var color = item.color || def.color || '#3e9eff';
      obj = L.geoJSON(item.geometry, {
        style: function () {
          return {color: color, weight: item.weight || def.weight || 3, opacity: 0.9,
                  fillColor: color, fillOpacity: item.fillOpacity != null ? item.fillOpacity : 0.18,
                  dashArray: item.dash || def.dash || null};
        }
      });
      obj.on('click', function () { callBridge('itemClicked', def.name, String(item.id)); });
    } else {  // 'icon' ('dot' layers keep their items on their own canvas: DotLayer)
      obj = L.marker([item.lat, item.lon], {icon: glyphIcon(def, item), keyboard: false});
      obj.on('click', function () { callBridge('itemClicked', def.name, String(item.id)); });
      obj.on('contextmenu', function (e) { L.DomEvent.stop(e); contextMenu(e, def.name, item.id); });
      if (def.draggable) { obj.on('add', function () { armDrag(obj, def.name, item.id); }); }
    }
    var tip = tooltipText(def, item);
    if (tip) { obj.bindTooltip(tip, {className: 'sc-tip', direction: 'top', offset: [0, -8]}); }
    obj.scItem = item;
    return obj;
  }

  function updateItem(layer, obj, item) {
    var def = layer.def, old = obj.scItem;
    if (def.style === 'shape') { return null; }  // geometry changed: caller recreates
    if (old.lat !== item.lat || old.lon !== item.lon) { obj.setLatLng([item.lat, item.lon]); }
    if (def.style === 'incident') {
      if (old.priority !== item.priority || old.overdue !== item.overdue) {
        obj.scItem = item;
        obj.setIcon(incidentIcon(item));
        layer.group.refreshClusters(obj);
      }
    } else if (old.color !== item.color || old.glyph !== item.glyph) {
      obj.setIcon(glyphIcon(def, item));
    }
    if (item.title !== old.title && item.title) {
      if (obj.getTooltip()) { obj.setTooltipContent(esc(item.title)); }
      else { obj.bindTooltip(esc(item.title), {className: 'sc-tip', direction: 'top', offset: [0, -8]}); }
    }
    obj.scItem = item;
    return obj;
  }

  function upsert(layer, items, replace) {
    var group = layer.group, fresh = [];
    if (group instanceof DotLayer) { group.upsert(items, replace); return; }
    if (replace) {
      group.clearLayers();
      layer.items = new Map();
    }
    for (var i = 0; i < items.length; i++) {
      var item = items[i], key = String(item.id), obj = layer.items.get(key);
      if (obj && updateItem(layer, obj, item)) { continue; }
      if (obj) { group.removeLayer(obj); }
      obj = createItem(layer, item);
      layer.items.set(key, obj);
      fresh.push(obj);
    }
    if (fresh.length) {
      if (group.addLayers) { group.addLayers(fresh); }
      else { for (var j = 0; j < fresh.length; j++) { group.addLayer(fresh[j]); } }
    }
  }

  function removeIds(layer, ids) {
    var gone = [];
    if (layer.group instanceof DotLayer) { layer.group.remove(ids); return; }
    for (var i = 0; i < ids.length; i++) {
      var key = String(ids[i]), obj = layer.items.get(key);
      if (obj) { gone.push(obj); layer.items.delete(key); }
    }
    if (layer.group.removeLayers) { layer.group.removeLayers(gone); }
    else { gone.forEach(function (o) { layer.group.removeLayer(o); }); }
  }

  /* --------------------------------------------------------------- selection */

  SC.selectIncident = function (id, centre) {
    var layer = SC.layers.incidents;
    if (!layer) { return; }
    var prev = SC.selectedId != null ? layer.items.get(String(SC.selectedId)) : null;
    SC.selectedId = id;
    if (prev) { prev.setIcon(incidentIcon(prev.scItem)); }
    var obj = id != null ? layer.items.get(String(id)) : null;
    if (!obj) { return; }
    obj.setIcon(incidentIcon(obj.scItem));
    if (centre) {
      SC.map.setView(obj.getLatLng(), Math.max(SC.map.getZoom(), 16), {animate: false});
    }
  };

  /* ------------------------------------------------------------ context menu */

  function contextMenu(e, kind, id) {
    var ll = e.latlng, pt = SC.map.latLngToContainerPoint(ll);
    callBridge('contextMenu', ll.lat, ll.lng, Math.round(pt.x), Math.round(pt.y), kind || 'map',
               id == null ? '' : String(id));
  }

  /* ------------------------------------------------------------ camera drag */

  function armDrag(marker, layerName, id) {
    var el = marker.getElement();
    if (!el || el.scArmed) { return; }
    el.scArmed = true;
    el.addEventListener('mousedown', function (ev) {
      if (ev.button !== 0) { return; }
      var x0 = ev.clientX, y0 = ev.clientY, started = false;
      ev.stopPropagation();
      SC.map.dragging.disable();
      function move(mv) {
        if (!started && Math.abs(mv.clientX - x0) + Math.abs(mv.clientY - y0) > 6) {
          started = true;
          callBridge('itemDragStarted', layerName, String(id));
          up();
        }
      }
      function up() {
        document.removeEventListener('mousemove', move, true);
        document.removeEventListener('mouseup', up, true);
        SC.map.dragging.enable();
      }
      document.addEventListener('mousemove', move, true);
      document.addEventListener('mouseup', up, true);
    });
  }

  /* ------------------------------------------------------------ area drawing */

  var AREA_STYLE = {color: '#3ed3ff', weight: 2, dashArray: '6 4', fillColor: '#3ed3ff', fillOpacity: 0.08};

  var draw = SC.draw = {mode: null, points: [], preview: null, anchor: null};

  draw.start = function (mode) {
    draw.cancel();
    if (!mode) { return; }
    draw.mode = mode;
    draw.points = [];
    SC.map.getContainer().classList.add('sc-drawing');
    SC.map.doubleClickZoom.disable();
    if (mode === 'rect') { SC.map.dragging.disable(); }
    showHint(mode === 'rect' ? SC.cfg.text.hintRect : SC.cfg.text.hintPolygon);
  };

  draw.cancel = function () {
    if (draw.preview) { SC.map.removeLayer(draw.preview); }
    draw.preview = null; draw.mode = null; draw.points = []; draw.anchor = null;
    SC.map.getContainer().classList.remove('sc-drawing');
    SC.map.dragging.enable();
    SC.map.doubleClickZoom.enable();
    showHint(null);
  };

  draw.addPoint = function (lat, lon) {
    draw.points.push([lat, lon]);
    redrawPreview(null);
  };

  function redrawPreview(cursor) {
    var pts = draw.points.slice();
    if (cursor) { pts.push(cursor); }
    if (draw.preview) { SC.map.removeLayer(draw.preview); draw.preview = null; }
    if (pts.length >= 2) {
      draw.preview = L.polygon(pts, L.extend({interactive: false}, AREA_STYLE)).addTo(SC.map);
    }
  }

  draw.finish = function () {
    var pts = draw.points.slice();
    draw.cancel();
    if (pts.length >= 3) { SC.setArea(pts, true); }
  };

  function rectPoints(a, b) {
    return [[a.lat, a.lng], [a.lat, b.lng], [b.lat, b.lng], [b.lat, a.lng]];
  }

  function onMouseDown(e) {
    if (draw.mode !== 'rect') { return; }
    draw.anchor = e.latlng;
  }

  function onMouseMove(e) {
    if (draw.mode === 'rect' && draw.anchor) {
      draw.points = rectPoints(draw.anchor, e.latlng);
      redrawPreview(null);
    } else if (draw.mode === 'polygon' && draw.points.length) {
      redrawPreview([e.latlng.lat, e.latlng.lng]);
    }
  }

  function onMouseUp(e) {
    if (draw.mode === 'rect' && draw.anchor) {
      draw.points = rectPoints(draw.anchor, e.latlng);
      draw.finish();
    }
  }

  function onClick(e) {
    if (draw.mode === 'polygon') { draw.addPoint(e.latlng.lat, e.latlng.lng); }
  }

  function onDblClick(e) {
    if (draw.mode === 'polygon') {
      // The two clicks of a double click added the last vertex twice.
      var p = draw.points;
      while (p.length > 1 && p[p.length - 1][0] === p[p.length - 2][0] && p[p.length - 1][1] === p[p.length - 2][1]) { p.pop(); }
      draw.finish();
    }
  }

  SC.setArea = function (points, fromUser) {
    if (SC.areaLayer) { SC.map.removeLayer(SC.areaLayer); SC.areaLayer = null; }
    SC.area = points && points.length >= 3 ? points : null;
    if (SC.area) {
      SC.areaLayer = L.polygon(SC.area, L.extend({interactive: false}, AREA_STYLE)).addTo(SC.map);
    }
    if (fromUser) { callBridge('areaDrawn', JSON.stringify(SC.area)); }
  };

  function showHint(text) {
    var el = document.getElementById('sc-hint');
    if (!el) {
      el = document.createElement('div');
      el.id = 'sc-hint';
      SC.map.getContainer().appendChild(el);
    }
    el.textContent = text || '';
    el.style.display = text ? 'block' : 'none';
  }

  /* --------------------------------------------------------------- messages */

  // A move's positions: base64 of little-endian int32 microdegrees [lat, lon, ...] (layers.py).
  function decodePositions(e6) {
    var bin = atob(e6 || ''), n = bin.length >> 2, out = new Float64Array(n), j = 0;
    for (var i = 0; i < n; i++, j += 4) {
      out[i] = ((bin.charCodeAt(j) | (bin.charCodeAt(j + 1) << 8) | (bin.charCodeAt(j + 2) << 16) |
                (bin.charCodeAt(j + 3) << 24)) | 0) / 1e6;
    }
    return out;
  }

  var OPS = {
    layer: function (op) { if (!SC.layers[op.def.name]) { makeLayer(op.def); } },
    set: function (op) { var l = SC.layers[op.layer]; if (l) { upsert(l, op.items, true); } },
    update: function (op) { var l = SC.layers[op.layer]; if (l) { upsert(l, op.items, false); } },
    remove: function (op) { var l = SC.layers[op.layer]; if (l) { removeIds(l, op.ids); } },
    move: function (op) {
      var l = SC.layers[op.layer];
      if (!l) { return; }
      // Without ids: the same objects in the same order as this layer's last move.
      var ids = op.ids || l.moveIds, ll = decodePositions(op.e6);
      if (!ids || ll.length !== 2 * ids.length) {
        callBridge('pageError', 'move on ' + op.layer + ': ' + (ids ? ids.length : 'no') + ' ids for ' +
                   ll.length / 2 + ' positions');
        return;
      }
      l.moveIds = ids;
      if (l.group instanceof DotLayer) { l.group.move(ids, ll); return; }
      for (var i = 0; i < ids.length; i++) {
        var obj = l.items.get(String(ids[i]));
        if (obj && obj.setLatLng) {
          obj.scItem.lat = ll[2 * i]; obj.scItem.lon = ll[2 * i + 1];
          obj.setLatLng([ll[2 * i], ll[2 * i + 1]]);
        }
      }
    },
    select: function (op) { SC.selectIncident(op.id, op.centre !== false); },
    center: function (op) { SC.map.setView([op.lat, op.lon], op.zoom || SC.map.getZoom(), {animate: false}); },
    fit: function (op) { SC.map.fitBounds(op.bounds, {animate: false}); },
    view: function (op) { SC.map.setView([op.lat, op.lon], op.zoom, {animate: false}); },
    area: function (op) { SC.setArea(op.polygon, false); },
    draw: function (op) { draw.start(op.mode); },
    visible: function (op) {
      var l = SC.layers[op.layer];
      if (!l) { return; }
      if (op.visible) { l.group.addTo(SC.map); } else { SC.map.removeLayer(l.group); }
    }
  };

  SC.apply = function (message) {
    var t0 = performance.now();
    var msg = typeof message === 'string' ? JSON.parse(message) : message;
    var ops = msg.ops || [];
    for (var i = 0; i < ops.length; i++) {
      var fn = OPS[ops[i].op];
      if (fn) {
        try { fn(ops[i]); } catch (err) { callBridge('pageError', String(err && err.stack || err)); }
      }
    }
    for (var j = 0; j < ops.length; j++) {
      if (ops[j].layer === 'incidents') { updateLegend(); break; }
    }
    SC.lastApplyMs = performance.now() - t0;
    SC.applied = msg.seq || SC.applied;
    if (msg.seq != null && SC.bridge) {
      // Acknowledge once the frame with the change has been produced (or soon, if frames stall).
      var acked = false, ack = function () {
        if (!acked) { acked = true; callBridge('batchApplied', msg.seq, SC.lastApplyMs); }
      };
      requestAnimationFrame(ack);
      setTimeout(ack, 200);
    }
  };

  SC.snapshot = function () {
    var c = SC.map.getCenter();
    return {lat: c.lat, lon: c.lng, zoom: SC.map.getZoom(), area: SC.area};
  };

  /* ----------------------------------------------------------------- legend */

  function makeLegend(text) {
    var Legend = L.Control.extend({
      options: {position: 'bottomleft'},
      onAdd: function () {
        var el = L.DomUtil.create('div', 'sc-legend');
        var rows = ['critical', 'high', 'medium', 'low'].map(function (p) {
          return '<div class="sc-legend-row"><span class="sc-legend-dot sc-p-' + p + '"></span>' +
                 '<span class="sc-legend-name">' + esc((text.priorities || {})[p] || p) + '</span>' +
                 '<span class="sc-legend-n" data-p="' + p + '">0</span></div>';
        }).join('');
        el.innerHTML = '<div class="sc-legend-title">' + esc(text.legendTitle || 'Incidents') +
          '<span class="sc-legend-total" data-p="total">0</span></div>' + rows +
          '<div class="sc-legend-row sc-legend-overdue"><span class="sc-legend-dot sc-legend-ring"></span>' +
          '<span class="sc-legend-name">' + esc(text.overdue || 'Overdue') + '</span>' +
          '<span class="sc-legend-n" data-p="overdue">0</span></div>';
        L.DomEvent.disableClickPropagation(el);
        return el;
      }
    });
    return new Legend();
  }

  function updateLegend() {
    var layer = SC.layers.incidents, el = SC.legend && SC.legend.getContainer();
    if (!layer || !el) { return; }
    var n = {critical: 0, high: 0, medium: 0, low: 0, overdue: 0, total: 0};
    layer.items.forEach(function (obj) {
      var it = obj.scItem;
      n.total++;
      if (n[it.priority] !== undefined) { n[it.priority]++; }
      if (it.overdue) { n.overdue++; }
    });
    var cells = el.querySelectorAll('[data-p]');
    for (var i = 0; i < cells.length; i++) { cells[i].textContent = n[cells[i].getAttribute('data-p')]; }
  }

  /* ------------------------------------------------------------------- init */

  SC.init = function (map, cfg) {
    SC.map = map;
    SC.cfg = cfg;
    Object.keys(cfg.priorityColors || {}).forEach(function (p) {
      document.documentElement.style.setProperty('--sc-' + p, cfg.priorityColors[p]);
    });
    if (map.attributionControl) { map.attributionControl.setPrefix(false); }
    L.control.scale({imperial: false, position: 'bottomright'}).addTo(map);
    SC.legend = makeLegend(cfg.text || {}).addTo(map);
    SC.control = L.control.layers(cfg.baseLayers ? {} : null, null, {collapsed: true, position: 'topright'}).addTo(map);
    (cfg.baseOverlays || []).forEach(function (b) {
      var layer = window[b.var];
      if (layer) { SC.control.addOverlay(layer, esc(b.title)); }
    });
    (cfg.layers || []).forEach(makeLayer);
    if (cfg.fitBounds) { map.fitBounds(cfg.fitBounds, {animate: false}); }
    (cfg.labels || []).forEach(function (lb) {
      L.marker([lb.lat, lb.lon], {
        interactive: false, keyboard: false,
        icon: L.divIcon({className: 'sc-label sc-label-' + lb.kind, html: '<span>' + esc(lb.text) + '</span>',
                         iconSize: null})
      }).addTo(map);
    });
    function zoomClass() {
      var el = map.getContainer(), z = map.getZoom();
      el.classList.toggle('sc-z-lt14', z < 14);
      el.classList.toggle('sc-z-lt15', z < 15);
      el.classList.toggle('sc-z-lt16', z < 16);
    }
    map.on('zoomend', zoomClass);
    zoomClass();
    map.on('contextmenu', function (e) {
      if (draw.mode) { return; }
      var hit = dotUnder(e);
      contextMenu(e, hit ? hit.layer.def.name : 'map', hit ? hit.key : null);
    });
    // Overdue incidents pulse in a few steps, not at 60 frames a second: the operator sees
    // the beat, and an idle map costs the desktop almost nothing.
    var beat = 0;
    setInterval(function () {
      var el = map.getContainer();
      el.classList.remove('sc-beat-' + beat);
      beat = (beat + 1) % 4;
      el.classList.add('sc-beat-' + beat);
    }, 350);
    map.on('mousedown', onMouseDown);
    map.on('mousemove', onMouseMove);
    map.on('mouseup', onMouseUp);
    map.on('click', function (e) {
      if (draw.mode) { onClick(e); return; }
      var hit = dotUnder(e);
      if (hit) { callBridge('itemClicked', hit.layer.def.name, String(hit.key)); }
    });
    map.on('mousemove', onDotHover);
    map.on('dblclick', onDblClick);
    map.on('moveend', function () {
      var c = map.getCenter();
      callBridge('viewChanged', c.lat, c.lng, map.getZoom());
    });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && draw.mode) { draw.cancel(); callBridge('drawCancelled'); }
      if (e.key === 'Enter' && draw.mode === 'polygon') { draw.finish(); }
    });
    if (window.qt && window.qt.webChannelTransport && window.QWebChannel) {
      SC.standalone = false;
      new QWebChannel(window.qt.webChannelTransport, function (channel) {
        SC.bridge = channel.objects.scBridge;
        SC.bridge.batch.connect(SC.apply);
        SC.bridge.pageReady();
      });
    } else if (cfg.snapshot) {
      SC.apply(cfg.snapshot);
    }
  };
})();
