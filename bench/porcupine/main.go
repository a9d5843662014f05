// Command porcupine-harness checks one etcd-chaos JSONL history with Porcupine's
// checker, so bench/checker.ts can time our checker against the real peer on the
// same file. It prints one JSON line: {"valid": true|false|"unknown", "ms": N, "warmMs": N,
// "maxRssKb": N}: ms is the first load + check in this process (cold), warmMs the fastest
// of the further runs asked for (or ms when there are none).
//
// Histories use f get/put/append (kv, partitioned by key) or read/write (register,
// treated as a kv key). Porcupine's kv semantics: the initial value is "" and a
// JSON null value reads as "". An info completion has an unknown output and returns
// at +infinity, so any output is accepted for it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"syscall"
	"time"

	"github.com/anishathalye/porcupine"
)

type event struct {
	Index   int64           `json:"index"`
	Process json.RawMessage `json:"process"`
	Type    string          `json:"type"`
	F       string          `json:"f"`
	Key     *string         `json:"key"`
	Value   json.RawMessage `json:"value"`
}

type kvInput struct {
	op    string
	key   string
	value string
}

type kvOutput struct {
	value   string
	unknown bool
}

func text(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	return string(raw)
}

var kvModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		var order []string
		for _, operation := range history {
			key := operation.Input.(kvInput).key
			if _, seen := byKey[key]; !seen {
				order = append(order, key)
			}
			byKey[key] = append(byKey[key], operation)
		}
		partitions := make([][]porcupine.Operation, 0, len(order))
		for _, key := range order {
			partitions = append(partitions, byKey[key])
		}
		return partitions
	},
	Init: func() interface{} { return "" },
	Step: func(state, input, output interface{}) (bool, interface{}) {
		current := state.(string)
		in := input.(kvInput)
		out := output.(kvOutput)
		switch in.op {
		case "get", "read":
			return out.unknown || out.value == current, current
		case "put", "write":
			return true, in.value
		case "append":
			return true, current + in.value
		}
		return false, current
	},
	Equal: func(a, b interface{}) bool { return a.(string) == b.(string) },
}

func load(path string) ([]porcupine.Operation, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	scanner := bufio.NewScanner(file)
	scanner.Buffer(make([]byte, 1<<20), 1<<26)
	type pending struct {
		input kvInput
		call  int64
	}
	open := map[string]pending{}
	clients := map[string]int{}
	var operations []porcupine.Operation
	for scanner.Scan() {
		line := scanner.Bytes()
		if len(line) == 0 {
			continue
		}
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, err
		}
		process := string(e.Process)
		if process == `"nemesis"` {
			continue
		}
		if _, ok := clients[process]; !ok {
			clients[process] = len(clients)
		}
		key := "r"
		if e.Key != nil {
			key = *e.Key
		}
		switch e.Type {
		case "invoke":
			open[process] = pending{input: kvInput{op: e.F, key: key, value: text(e.Value)}, call: e.Index}
		case "ok":
			call := open[process]
			delete(open, process)
			operations = append(operations, porcupine.Operation{ClientId: clients[process], Input: call.input,
				Call: call.call, Output: kvOutput{value: text(e.Value)}, Return: e.Index})
		case "fail":
			delete(open, process)
		case "info":
			call := open[process]
			delete(open, process)
			operations = append(operations, porcupine.Operation{ClientId: clients[process], Input: call.input,
				Call: call.call, Output: kvOutput{unknown: true}, Return: math.MaxInt64})
		}
	}
	return operations, scanner.Err()
}

// checkOnce loads and checks the file, timing both (the span bench/checker.ts times on our side).
func checkOnce(path string, timeout time.Duration) (string, float64) {
	start := time.Now()
	operations, err := load(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(254)
	}
	result := porcupine.CheckOperationsTimeout(kvModel, operations, timeout)
	elapsed := time.Since(start)
	verdict := `"unknown"`
	if result == porcupine.Ok {
		verdict = "true"
	} else if result == porcupine.Illegal {
		verdict = "false"
	}
	return verdict, float64(elapsed.Microseconds()) / 1000
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: porcupine-harness FILE [timeoutSeconds [runs]]")
		os.Exit(254)
	}
	timeout := time.Duration(0)
	if len(os.Args) > 2 {
		var seconds float64
		fmt.Sscanf(os.Args[2], "%g", &seconds)
		timeout = time.Duration(seconds * float64(time.Second))
	}
	runs := 1
	if len(os.Args) > 3 {
		fmt.Sscanf(os.Args[3], "%d", &runs)
	}
	// The first run is cold (a fresh process); the fastest of the others is the warm time
	// (the fastest, because the machine may be shared: interference only adds time).
	verdict, coldMs := checkOnce(os.Args[1], timeout)
	var warm []float64
	for run := 1; run < runs; run++ {
		_, ms := checkOnce(os.Args[1], timeout)
		warm = append(warm, ms)
	}
	warmMs := coldMs
	if len(warm) > 0 {
		sort.Float64s(warm)
		warmMs = warm[0]
	}
	var usage syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &usage)
	fmt.Printf("{\"valid\":%s,\"ms\":%.3f,\"warmMs\":%.3f,\"maxRssKb\":%d}\n", verdict, coldMs, warmMs, usage.Maxrss)
}
