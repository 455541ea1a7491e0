//go:build !unix

package diskspace

func free(string) (uint64, error) { return 0, ErrUnknown }

func total(string) (uint64, error) { return 0, ErrUnknown }

func isQuota(error) bool { return false }
