"""Magnum driver forwarding the conductor's calls to magnum-capi-sidecar."""
