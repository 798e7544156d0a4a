// Command subreaper runs a command as a Linux child subreaper and reports every process it left running.
//
// Usage: subreaper <report.json> <command> [args...]
//
// A process that outlives its parent is reparented to its nearest subreaper ancestor, so once the command
// has exited, every descendant still alive is a child of this process: whatever started it, in whatever
// process group or session. That makes "the command left nothing running" a fact read once, not a guess
// from sampling /proc. Leftovers are written to the report, then killed, so one failed check does not
// leave processes behind for the next test. The exit code is the command's (128+n for a signal).
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const prSetChildSubreaper = 36

// A descendant in the middle of exiting (the command stopped a process group and waited only for its
// leader) is given this long to finish before it counts as left running.
const exitGrace = 5 * time.Second

type leftover struct {
	PID         int    `json:"pid"`
	CommandLine string `json:"commandLine"`
}

type report struct {
	ExitCode  int        `json:"exitCode"`
	Signal    string     `json:"signal,omitempty"`
	Leftovers []leftover `json:"leftovers"`
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: subreaper <report.json> <command> [args...]")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3:]); err != nil {
		fmt.Fprintln(os.Stderr, "subreaper:", err)
		os.Exit(2)
	}
}

func run(reportPath, name string, args []string) error {
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		return fmt.Errorf("prctl(PR_SET_CHILD_SUBREAPER): %w", errno)
	}
	// Signals meant for the process group reach the command directly; this process must outlive it to
	// account for its descendants. Notify (not Ignore) so that the command does not inherit SIG_IGN.
	signal.Notify(make(chan os.Signal, 8), syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)

	cmd := exec.Command(name, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	result := report{Leftovers: []leftover{}}
	// Reap everything until the command itself exits: orphans of the command are our children now.
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, 0, nil)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return fmt.Errorf("wait4: %w", err)
		}
		if pid == cmd.Process.Pid {
			result.ExitCode = status.ExitStatus()
			if status.Signaled() {
				result.Signal = status.Signal().String()
				result.ExitCode = 128 + int(status.Signal())
			}
			break
		}
	}
	result.Leftovers = leftovers()
	killAll()
	data, err := json.Marshal(result)
	if err != nil {
		return err
	}
	if err := os.WriteFile(reportPath, data, 0o644); err != nil {
		return err
	}
	os.Exit(result.ExitCode)
	return nil
}

// leftovers lists this process's live children once each has had exitGrace to finish exiting.
func leftovers() []leftover {
	deadline := time.Now().Add(exitGrace)
	for {
		reapZombies()
		live := liveChildren()
		if len(live) == 0 || time.Now().After(deadline) {
			found := []leftover{}
			for _, pid := range live {
				found = append(found, leftover{PID: pid, CommandLine: commandLine(pid)})
			}
			return found
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// killAll kills the children, and the children they leave to us in turn, until none is left.
func killAll() {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		reapZombies()
		live := liveChildren()
		if len(live) == 0 {
			return
		}
		for _, pid := range live {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func reapZombies() {
	for {
		pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}

// liveChildren reads /proc for processes whose parent is this one and which are not zombies.
func liveChildren() []int {
	self := os.Getpid()
	entries, _ := os.ReadDir("/proc")
	var children []int
	for _, entry := range entries {
		pid, err := strconv.Atoi(entry.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", entry.Name(), "stat"))
		if err != nil {
			continue
		}
		// The fields after the parenthesised command name, which may itself hold spaces or parentheses.
		text := string(stat)
		fields := strings.Fields(text[strings.LastIndexByte(text, ')')+1:])
		if len(fields) < 2 || fields[0] == "Z" || fields[0] == "X" {
			continue
		}
		if parent, _ := strconv.Atoi(fields[1]); parent == self {
			children = append(children, pid)
		}
	}
	return children
}

func commandLine(pid int) string {
	data, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	return strings.TrimSpace(strings.ReplaceAll(string(data), "\x00", " "))
}
