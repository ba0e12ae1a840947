// The OCI registry of the project's tests: the registry command of
// github.com/distribution/distribution/v3 (cmd/registry) with only the
// filesystem storage driver and htpasswd auth the tests use, plus one command
// of our own, `htpasswd USER`, which prints an htpasswd line for the password
// read on stdin, hashed with bcrypt as the registry's htpasswd auth requires
// (so a test can set credentials without apache's tools).
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/distribution/distribution/v3/registry"
	_ "github.com/distribution/distribution/v3/registry/auth/htpasswd"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/filesystem"
	"github.com/spf13/cobra"
	"golang.org/x/crypto/bcrypt"
)

var htpasswdCmd = &cobra.Command{
	Use:   "htpasswd <user>",
	Short: "prints an htpasswd line for the password read on stdin",
	Args:  cobra.ExactArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("no password on stdin: %w", err)
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(strings.TrimRight(line, "\r\n")), bcrypt.DefaultCost)
		if err != nil {
			return err
		}
		fmt.Printf("%s:%s\n", args[0], hash)
		return nil
	},
}

func main() {
	registry.RootCmd.AddCommand(htpasswdCmd)
	if err := registry.RootCmd.Execute(); err != nil {
		os.Exit(1)
	}
}
