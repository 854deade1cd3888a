// gotally: a Go program for GOOS=wasip1 in the SUAVE memo's spirit. It reads a JSON list of
// bids on stdin ({"bids": [{"bidder": "...", "amount": N}, ...]}), and writes the auction's
// result as JSON on stdout: the winner, the second price, and the bidders sorted by amount.
// With the argument "clock" it also reports the clocks, a 10 ms sleep and random bytes,
// which only a deterministic host makes reproducible. Exits 1 on bad input.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"time"
)

type bid struct {
	Bidder string `json:"bidder"`
	Amount uint64 `json:"amount"`
}

type result struct {
	Winner      string   `json:"winner"`
	SecondPrice uint64   `json:"second_price"`
	Ranking     []string `json:"ranking"`
	Bids        int      `json:"bids"`
}

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gotally: cannot read stdin:", err)
		os.Exit(1)
	}
	var in struct {
		Bids []bid `json:"bids"`
	}
	if err := json.Unmarshal(input, &in); err != nil || len(in.Bids) == 0 {
		fmt.Fprintln(os.Stderr, "gotally: expected {\"bids\": [...]} with at least one bid")
		os.Exit(1)
	}
	bids := in.Bids
	sort.SliceStable(bids, func(i, j int) bool {
		if bids[i].Amount != bids[j].Amount {
			return bids[i].Amount > bids[j].Amount
		}
		return bids[i].Bidder < bids[j].Bidder
	})
	r := result{Winner: bids[0].Bidder, Bids: len(bids)}
	if len(bids) > 1 {
		r.SecondPrice = bids[1].Amount
	} else {
		r.SecondPrice = bids[0].Amount
	}
	for _, b := range bids {
		r.Ranking = append(r.Ranking, b.Bidder)
	}
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
	if len(os.Args) > 1 && os.Args[1] == "clock" {
		start := time.Now()
		time.Sleep(10 * time.Millisecond)
		elapsed := time.Since(start)
		var random [8]byte
		_, _ = rand.Read(random[:])
		fmt.Printf("now %d slept %v (at least 10ms: %v) random %s\n", start.UnixNano(), elapsed, elapsed >= 10*time.Millisecond, hex.EncodeToString(random[:]))
	}
}
