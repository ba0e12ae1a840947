// The kube-apiserver of the project's local management cluster, built from
// the Kubernetes Go module so tests and `npm start` need no container image.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
