"""Audio analysis of members' tracks: decoding (PyAV), levels (BS.1770-4 loudness through
pyloudnorm's K-weighting, EBU Tech 3342 loudness range, true peak, stereo), tempo and key
estimates, a picture and a loudness-matched listening copy. Plain code with no Discord in
it; the CPU-heavy parts run in worker processes through ``AudioPool``."""
