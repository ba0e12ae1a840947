//go:build tools

// The Cluster API managers the local management cluster runs: the core
// manager (the module's root package), the kubeadm bootstrap provider and the
// kubeadm control-plane provider (whose webhooks only are used). Importing
// them here pins them in go.mod/go.sum; build.sh builds each by package path.
package capi

import (
	_ "sigs.k8s.io/cluster-api"
	_ "sigs.k8s.io/cluster-api/bootstrap/kubeadm"
	_ "sigs.k8s.io/cluster-api/controlplane/kubeadm"
)
