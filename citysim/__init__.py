"""The simulated city of the demo: the product's outside world.

One module per city system (citizens' complaints, building meters, cameras); each talks to the
product only as the real one would: HTTP API, Open311, MQTT, RTSP / HTTP video. Nothing here
imports the product (`backend`, `app`, `widgets`), and the product never imports this.
"""
