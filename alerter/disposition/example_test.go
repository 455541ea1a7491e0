package disposition_test

import (
	"fmt"

	"github.com/earshot/earshot/alerter/disposition"
)

func ExampleDecodeRequest() {
	req, err := disposition.DecodeRequest([]byte(`{"decision": "dismissed", "note": "ASR misheard", "by": "li"}`))
	fmt.Println(req.Decision, req.By, err)
	_, err = disposition.DecodeRequest([]byte(`{"decision": "maybe", "by": "li"}`))
	fmt.Println(err)
	// Output:
	// dismissed li <nil>
	// invalid disposition: decision "maybe": want confirmed, dismissed or needs_review
}
