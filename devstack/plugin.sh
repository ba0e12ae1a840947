#!/bin/bash
# devstack plugin for magnum-capi-sidecar:
#   enable_plugin magnum-capi-sidecar <this repository> main
# shellcheck source=devstack/lib/magnum-capi-sidecar
source "$(dirname "${BASH_SOURCE[0]}")/lib/magnum-capi-sidecar"

if is_service_enabled magnum-capi-sidecar; then
    if [[ "$1" == "stack" && "$2" == "install" ]]; then
        echo_summary "Installing magnum-capi-sidecar"
        install_magnum_capi_sidecar
        if [[ "$MCS_INSTALL_K3S" == "True" ]]; then
            install_mcs_management_cluster
        fi
    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        echo_summary "Configuring magnum-capi-sidecar"
        configure_magnum_capi_sidecar
    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        start_magnum_capi_sidecar
    fi
    if [[ "$1" == "unstack" ]]; then
        stop_magnum_capi_sidecar
    fi
fi
