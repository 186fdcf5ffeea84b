// Command pulumi-language-nodejs fronts the Node.js language host built from sdk/v3 v3.68.0 (the
// last release that contained it; the host's own module is refused by the module proxy here) and
// adds what that host lacks for this project: RunPlugin, through which the CLI runs Node.js policy
// packs. Every other call is forwarded unchanged to the old host, which runs as a child process.
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Pulumi's own limit for plugin messages (state and programs can be large).
const maxMessage = 400 * 1024 * 1024

type proxy struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	old pulumirpc.LanguageRuntimeClient
}

func (p *proxy) Handshake(ctx context.Context, r *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	return p.old.Handshake(ctx, r)
}

func (p *proxy) GetRequiredPlugins(ctx context.Context, r *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return p.old.GetRequiredPlugins(ctx, r)
}

func (p *proxy) GetRequiredPackages(ctx context.Context, r *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return p.old.GetRequiredPackages(ctx, r)
}

func (p *proxy) Run(ctx context.Context, r *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	return p.old.Run(ctx, r)
}

func (p *proxy) GetPluginInfo(ctx context.Context, r *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return p.old.GetPluginInfo(ctx, r)
}

func (p *proxy) RuntimeOptionsPrompts(ctx context.Context, r *pulumirpc.RuntimeOptionsRequest) (*pulumirpc.RuntimeOptionsResponse, error) {
	return p.old.RuntimeOptionsPrompts(ctx, r)
}

func (p *proxy) About(ctx context.Context, r *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	return p.old.About(ctx, r)
}

func (p *proxy) GetProgramDependencies(ctx context.Context, r *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return p.old.GetProgramDependencies(ctx, r)
}

// InstallDependencies forwards to the old host, except for a folder without node_modules of its
// own that already resolves @pulumi/pulumi through an enclosing project (this repository's
// plugin/ folder): the old host would run npm install there and then insist on a local
// node_modules, although node finds every dependency in the project's.
func (p *proxy) InstallDependencies(r *pulumirpc.InstallDependenciesRequest, out grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	dir := r.Directory
	if r.Info != nil && r.Info.ProgramDirectory != "" {
		dir = r.Info.ProgramDirectory
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); os.IsNotExist(err) {
		if sdk, err := resolveFrom(dir, "@pulumi/pulumi"); err == nil {
			return out.Send(&pulumirpc.InstallDependenciesResponse{
				Stdout: []byte(fmt.Sprintf("dependencies resolve from the enclosing project (%s)\n", sdk)),
			})
		}
	}
	in, err := p.old.InstallDependencies(out.Context(), r)
	if err != nil {
		return err
	}
	for {
		msg, err := in.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := out.Send(msg); err != nil {
			return err
		}
	}
}

// RunPlugin starts a Node.js plugin the way Pulumi's own Node.js host does: node runs one of
// @pulumi/pulumi's plugin entry points on the plugin's folder, and its output streams back to the
// CLI, which reads the plugin's port from it. Analyzers are policy packs (run-policy-pack);
// resource plugins are component packages declared by PulumiPlugin.yaml (run-plugin, which
// serves the folder's exported ComponentResource classes as a provider).
func (p *proxy) RunPlugin(r *pulumirpc.RunPluginRequest, out grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]) error {
	dir := r.Program
	if r.Info != nil && r.Info.ProgramDirectory != "" {
		dir = r.Info.ProgramDirectory
	}
	var args []string
	switch r.Kind {
	case "analyzer":
		script, err := resolveFrom(dir, "@pulumi/pulumi/cmd/run-policy-pack")
		if err != nil {
			return err
		}
		args = append(append([]string{script}, r.Args...), ".")
		if r.Info != nil && r.Info.Options != nil {
			for key, value := range r.Info.Options.AsMap() {
				args = append(args, fmt.Sprintf("-%s=%v", key, value))
			}
		}
	case "", "resource":
		script, err := resolveFrom(dir, "@pulumi/pulumi/cmd/run-plugin")
		if err != nil {
			return err
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			return err
		}
		// "--" keeps the engine's arguments (its address, logging flags) away from run-plugin's
		// own option parser; they reach the provider server untouched.
		args = append([]string{script, abs, "--"}, r.Args...)
	default:
		return status.Errorf(codes.Unimplemented, "this host runs Node.js policy packs and component plugins, not %q plugins", r.Kind)
	}
	return runNode(dir, args, r.Env, out)
}

// resolveFrom finds a module the way node would from dir, so a plugin folder inside a project
// uses the project's node_modules.
func resolveFrom(dir, module string) (string, error) {
	resolve := exec.Command("node", "-e", fmt.Sprintf("console.log(require.resolve(%q))", module))
	resolve.Dir = dir
	script, err := resolve.Output()
	if err != nil {
		return "", fmt.Errorf("cannot find %s from %s (run npm install): %w", module, dir, err)
	}
	return strings.TrimSpace(string(script)), nil
}

func runNode(dir string, args []string, env []string, out grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]) error {
	cmd := exec.Command("node", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	var sending sync.Mutex
	send := func(msg *pulumirpc.RunPluginResponse) {
		sending.Lock()
		defer sending.Unlock()
		_ = out.Send(msg)
	}
	var copying sync.WaitGroup
	pipe := func(from io.Reader, wrap func([]byte) *pulumirpc.RunPluginResponse) {
		defer copying.Done()
		buf := make([]byte, 32*1024)
		for {
			n, err := from.Read(buf)
			if n > 0 {
				send(wrap(append([]byte(nil), buf[:n]...)))
			}
			if err != nil {
				return
			}
		}
	}
	copying.Add(2)
	go pipe(stdout, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
	})
	go pipe(stderr, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
	})
	copying.Wait()
	code := 0
	if err := cmd.Wait(); err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		} else {
			return err
		}
	}
	send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	old := exec.Command(filepath.Join(filepath.Dir(self), "legacy-pulumi-language-nodejs"), os.Args[1:]...)
	old.Stderr = os.Stderr
	// The old host must not outlive this one, however the CLI ends it.
	old.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	oldOut, err := old.StdoutPipe()
	if err != nil {
		return err
	}
	if err := old.Start(); err != nil {
		return fmt.Errorf("starting the v3.68.0 host: %w", err)
	}
	lines := bufio.NewReader(oldOut)
	port, err := lines.ReadString('\n')
	if err != nil {
		return fmt.Errorf("reading the v3.68.0 host's port: %w", err)
	}
	go func() { _, _ = io.Copy(os.Stderr, lines) }()

	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(port),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessage), grpc.MaxCallSendMsgSize(maxMessage)))
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	server := grpc.NewServer(grpc.MaxRecvMsgSize(maxMessage), grpc.MaxSendMsgSize(maxMessage))
	pulumirpc.RegisterLanguageRuntimeServer(server, &proxy{old: pulumirpc.NewLanguageRuntimeClient(conn)})
	fmt.Printf("%d\n", listener.Addr().(*net.TCPAddr).Port)
	go func() {
		_ = old.Wait()
		server.Stop()
	}()
	return server.Serve(listener)
}
