"""The video archive player: timeline, synchronised playback of up to 4 cameras, exports."""
