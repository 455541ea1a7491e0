package analysis

import "testing"

// TestVariantsOpenCCLacks: Japanese shinjitai (OpenCC's JPVariantsRev) and
// the few variants in no OpenCC table read as simplified; the everyday
// Chinese characters that are also shinjitai keys keep their meaning.
func TestVariantsOpenCCLacks(t *testing.T) {
	tests := []struct{ in, want string }{
		{"这个薬很好", "这个药很好"},
		{"特価 売完就没了", "特价 卖完就没了"},
		{"汚渍 一洗就掉", "污渍 一洗就掉"},
		{"化粧品 効果 気血", "化妆品 效果 气血"},
		{"痩身 検査 験証", "瘦身 检查 验证"},
		{"躰重 嬭粉 賸下 邨里", "体重 奶粉 剩下 村里"},
		{"给予 欠款 醋 沙家浜 疏忽", "给予 欠款 醋 沙家浜 疏忽"},
		{"台湾 余额 芸豆 虫草", "台湾 余额 芸豆 虫草"},
		{"袪斑", "袪斑"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
