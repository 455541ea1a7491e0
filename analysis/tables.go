package analysis

// Immutable tables used by normalization and tokenizing. They are built
// once at package init and never written afterwards.

// t2sPairs lists common traditional characters, each followed by its
// simplified form, chosen from commerce, medical and advertising speech.
// 帳 maps to 账 because here it is almost always 轉帳 (transfer money).
const t2sPairs = "醫医療疗癒愈藥药無无絕绝對对證证機机號号碼码讓让說说話话過过這这個个們们來来時时會会國国於于為为與与" +
	"價价買买賣卖錢钱貨货單单購购車车聯联繫系係系掃扫轉转帳账賬账戶户頭头紅红網网級级頂顶廠厂質质權权專专務务" +
	"導导領领薦荐後后發发髮发現现實实驗验體体產产優优劃划歷历減减療疗險险壓压腫肿癥症狀状況况節节點点擊击連连結结" +
	"鏈链寶宝魚鱼閒闲鹹咸鹽盐雞鸡飯饭麵面麥麦麼么嗎吗聽听見见覺觉學学習习門门問问間间開开關关閉闭東东長长張张書书" +
	"樂乐樣样檢检測测試试認认識识語语讀读請请謝谢議议記记許许設设計计訂订評评論论談谈該该誰谁課课調调貝贝負负財财" +
	"貴贵費费資资賺赚賠赔贈赠運运還还進进遠远選选邊边達达鐘钟錶表鏡镜銷销鎖锁錯错鑽钻陽阳陰阴際际隨随難难電电靈灵" +
	"韓韩頁页順顺須须預预顧顾顯显風风飛飞飲饮養养館馆馬马驚惊髒脏鬆松鳥鸟鮮鲜麗丽黃黄齊齐齒齿龍龙龜龟愛爱歡欢氣气" +
	"濕湿溫温滿满漲涨潔洁灣湾熱热燈灯爭争爾尔牆墙獎奖環环瑪玛畫画當当瘋疯癢痒盡尽監监盤盘眾众礦矿確确禮礼種种稱称" +
	"穩稳窮穷競竞筆笔範范築筑簡简籤签簽签糧粮純纯紙纸細细終终組组經经綠绿線线練练縣县總总績绩續续罰罚義义聖圣聞闻" +
	"聲声職职肅肃脫脱腦脑膚肤臉脸舊旧華华萬万葉叶著着蘋苹處处蟲虫補补裝装製制複复規规視视親亲觀观觸触訊讯註注詳详" +
	"誠诚誤误諮咨護护變变豐丰豬猪貓猫貼贴貸贷貿贸賀贺賽赛趕赶趨趋跡迹蹤踪輕轻輸输辦办農农適适遞递郵邮鄉乡釋释針针" +
	"鈣钙鋅锌鐵铁銀银錄录鍋锅閃闪闆板隊队陸陆雙双雜杂離离雲云靜静響响頻频額额類类願愿飽饱餘余騙骗鬥斗內内兒儿兩两" +
	"冊册淨净劑剂動动勞劳勝胜區区協协卻却厲厉參参吳吴員员喚唤嘗尝嚴严團团圍围圓圆圖图場场塊块壞坏壽寿夠够夢梦奮奋" +
	"媽妈孫孙寧宁寫写將将屬属島岛幣币幫帮廣广廳厅彈弹彎弯徑径從从復复徵征憂忧應应懷怀態态戲戏戰战拋抛搶抢據据擁拥" +
	"擇择擔担擴扩攝摄敗败數数斷断昇升暫暂條条極极榮荣構构標标樓楼橋桥檔档歲岁殺杀毀毁決决沒没湯汤準准溝沟滅灭漢汉" +
	"潛潜澤泽濃浓災灾煙烟煩烦營营爺爷獨独獲获皺皱盜盗矯矫磚砖稅税穀谷窩窝紀纪約约納纳紛纷統统絲丝給给維维綜综緊紧" +
	"編编緣缘縮缩繼继罷罢羅罗膠胶臨临藝艺蘭兰虛虚蝦虾衛卫衝冲襯衬覽览訪访診诊詢询謊谎講讲軟软載载輔辅輛辆邁迈醜丑" +
	"鑑鉴鑒鉴閱阅陣阵隻只雖虽韻韵頸颈題题饋馈騰腾鬧闹魯鲁鵝鹅齡龄臟脏腎肾膽胆瘡疮癬癣瘍疡濾滤憑凭廢废層层屆届頒颁" +
	"乾干幹干裡里裏里臺台檯台颱台並并佈布併并傳传億亿僅仅儲储兇凶剛刚劉刘勢势噸吨堅坚報报夾夹奪夺嬰婴寵宠尋寻幾几" +
	"異异偽伪側侧備备傷伤儀仪闊阔隱隐廟庙腸肠膩腻糰团燒烧爐炉鍛锻鍵键濟济衆众貧贫詐诈騷骚擾扰罵骂賭赌獻献纖纤" +
	"營营養养護护膏膏鈔钞貳贰"

// buildT2S turns t2sPairs into a lookup map.
func buildT2S(pairs string) map[rune]rune {
	rs := []rune(pairs)
	m := make(map[rune]rune, len(rs)/2)
	for i := 0; i+1 < len(rs); i += 2 {
		if rs[i] != rs[i+1] {
			m[rs[i]] = rs[i+1]
		}
	}
	return m
}

var t2s = buildT2S(t2sPairs)

// hanDigits are Chinese numerals read digit by digit (幺 is 1 when reading
// out phone numbers; 〇 and 零 are 0).
var hanDigits = map[rune]byte{'零': '0', '〇': '0', '一': '1', '幺': '1', '二': '2',
	'三': '3', '四': '4', '五': '5', '六': '6', '七': '7', '八': '8', '九': '9',
	'壹': '1', '贰': '2', '叁': '3', '肆': '4', '伍': '5', '陆': '6', '柒': '7',
	'捌': '8', '玖': '9'}

// hanUnits are positional numerals: a run holding one is a compound number
// (三十五 = 35), not a digit string.
var hanUnits = map[rune]int{'十': 10, '拾': 10, '百': 100, '佰': 100, '千': 1000, '仟': 1000, '万': 10000}

// enDigits are English digit words; "oh" only counts next to another digit.
var enDigits = map[string]byte{"zero": '0', "oh": '0', "one": '1', "two": '2',
	"three": '3', "four": '4', "five": '5', "six": '6', "seven": '7', "eight": '8', "nine": '9'}

// repeatWords say how many times the next spoken digit counts ("double
// zero" is 00 in phone numbers).
var repeatWords = map[string]int{"double": 2, "triple": 3}

// enNumbers are English number words read as one number.
var enNumbers = map[string]int{"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
	"fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
	"nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
	"seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100}

// fillers are hesitation sounds ASR emits between words; they are dropped
// so they never break a phrase or a digit run.
var fillers = map[string]bool{"嗯": true, "呃": true, "额": true, "啊": true, "哦": true,
	"唉": true, "诶": true, "哎": true, "um": true, "uh": true, "umm": true, "uhm": true,
	"erm": true, "er": true, "hmm": true, "mm": true, "ah": true}
