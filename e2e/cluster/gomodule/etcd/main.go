// etcd's own main module uses relative replace directives, so it cannot be built with
// `go install`; its entry point is a library package that this program just calls.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
