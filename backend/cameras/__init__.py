"""Cameras of the city and the operators' saved video-wall layouts."""
