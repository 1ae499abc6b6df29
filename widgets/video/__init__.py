"""The live video wall: stream readers, tiles, the wall and the camera list."""
