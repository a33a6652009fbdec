/**
 * Small built-in tables. Names are common kanji with their usual katakana readings, combined at random, so
 * no output describes a real person. Municipalities are real (name and local government code) because the
 * pipeline routes by them; only the street lines are invented.
 */

export interface NameReading {
  readonly kanji: string;
  readonly kana: string;
}

// prettier-ignore
export const FAMILY_NAMES: readonly NameReading[] = [
  { kanji: '佐藤', kana: 'サトウ' }, { kanji: '鈴木', kana: 'スズキ' }, { kanji: '高橋', kana: 'タカハシ' },
  { kanji: '田中', kana: 'タナカ' }, { kanji: '伊藤', kana: 'イトウ' }, { kanji: '渡辺', kana: 'ワタナベ' },
  { kanji: '山本', kana: 'ヤマモト' }, { kanji: '中村', kana: 'ナカムラ' }, { kanji: '小林', kana: 'コバヤシ' },
  { kanji: '加藤', kana: 'カトウ' }, { kanji: '吉田', kana: 'ヨシダ' }, { kanji: '山田', kana: 'ヤマダ' },
  { kanji: '佐々木', kana: 'ササキ' }, { kanji: '山口', kana: 'ヤマグチ' }, { kanji: '松本', kana: 'マツモト' },
  { kanji: '井上', kana: 'イノウエ' }, { kanji: '木村', kana: 'キムラ' }, { kanji: '林', kana: 'ハヤシ' },
  { kanji: '斎藤', kana: 'サイトウ' }, { kanji: '清水', kana: 'シミズ' }, { kanji: '山崎', kana: 'ヤマザキ' },
  { kanji: '森', kana: 'モリ' }, { kanji: '池田', kana: 'イケダ' }, { kanji: '橋本', kana: 'ハシモト' },
  { kanji: '阿部', kana: 'アベ' }, { kanji: '石川', kana: 'イシカワ' }, { kanji: '山下', kana: 'ヤマシタ' },
  { kanji: '中島', kana: 'ナカジマ' }, { kanji: '石井', kana: 'イシイ' }, { kanji: '小川', kana: 'オガワ' },
];

// prettier-ignore
export const MALE_GIVEN_NAMES: readonly NameReading[] = [
  { kanji: '翔太', kana: 'ショウタ' }, { kanji: '大輔', kana: 'ダイスケ' }, { kanji: '健太', kana: 'ケンタ' },
  { kanji: '拓也', kana: 'タクヤ' }, { kanji: '直樹', kana: 'ナオキ' }, { kanji: '誠', kana: 'マコト' },
  { kanji: '浩', kana: 'ヒロシ' }, { kanji: '隆', kana: 'タカシ' }, { kanji: '蓮', kana: 'レン' },
  { kanji: '悠真', kana: 'ユウマ' }, { kanji: '大翔', kana: 'ヒロト' }, { kanji: '陽太', kana: 'ヨウタ' },
  { kanji: '湊', kana: 'ミナト' }, { kanji: '健一', kana: 'ケンイチ' }, { kanji: '和夫', kana: 'カズオ' },
];

// prettier-ignore
export const FEMALE_GIVEN_NAMES: readonly NameReading[] = [
  { kanji: '陽子', kana: 'ヨウコ' }, { kanji: '恵子', kana: 'ケイコ' }, { kanji: '美咲', kana: 'ミサキ' },
  { kanji: '花子', kana: 'ハナコ' }, { kanji: '裕子', kana: 'ユウコ' }, { kanji: '直美', kana: 'ナオミ' },
  { kanji: '結衣', kana: 'ユイ' }, { kanji: '陽菜', kana: 'ヒナ' }, { kanji: '葵', kana: 'アオイ' },
  { kanji: 'さくら', kana: 'サクラ' }, { kanji: '愛', kana: 'アイ' }, { kanji: '真由美', kana: 'マユミ' },
  { kanji: '明美', kana: 'アケミ' }, { kanji: '凛', kana: 'リン' }, { kanji: '芽依', kana: 'メイ' },
];

export interface Municipality {
  readonly prefecture: string;
  readonly municipality: string;
  /** Local government code with its check digit. */
  readonly code: string;
  /** First three digits of postal codes in the area; the last four are drawn at random. */
  readonly postalPrefix: string;
}

// prettier-ignore
export const MUNICIPALITIES: readonly Municipality[] = [
  { prefecture: '北海道', municipality: '札幌市', code: '011002', postalPrefix: '060' },
  { prefecture: '北海道', municipality: '函館市', code: '012025', postalPrefix: '040' },
  { prefecture: '宮城県', municipality: '仙台市', code: '041009', postalPrefix: '980' },
  { prefecture: '山形県', municipality: '山形市', code: '062014', postalPrefix: '990' },
  { prefecture: '東京都', municipality: '千代田区', code: '131016', postalPrefix: '100' },
  { prefecture: '東京都', municipality: '中央区', code: '131024', postalPrefix: '104' },
  { prefecture: '東京都', municipality: '港区', code: '131032', postalPrefix: '105' },
  { prefecture: '東京都', municipality: '新宿区', code: '131041', postalPrefix: '160' },
  { prefecture: '東京都', municipality: '渋谷区', code: '131130', postalPrefix: '150' },
  { prefecture: '神奈川県', municipality: '横浜市', code: '141003', postalPrefix: '220' },
  { prefecture: '神奈川県', municipality: '川崎市', code: '141305', postalPrefix: '210' },
  { prefecture: '新潟県', municipality: '新潟市', code: '151009', postalPrefix: '950' },
  { prefecture: '石川県', municipality: '金沢市', code: '172014', postalPrefix: '920' },
  { prefecture: '長野県', municipality: '長野市', code: '202011', postalPrefix: '380' },
  { prefecture: '静岡県', municipality: '浜松市', code: '221309', postalPrefix: '430' },
  { prefecture: '愛知県', municipality: '名古屋市', code: '231002', postalPrefix: '450' },
  { prefecture: '京都府', municipality: '京都市', code: '261009', postalPrefix: '600' },
  { prefecture: '大阪府', municipality: '大阪市', code: '271004', postalPrefix: '530' },
  { prefecture: '兵庫県', municipality: '神戸市', code: '281000', postalPrefix: '650' },
  { prefecture: '岡山県', municipality: '岡山市', code: '331007', postalPrefix: '700' },
  { prefecture: '広島県', municipality: '広島市', code: '341002', postalPrefix: '730' },
  { prefecture: '愛媛県', municipality: '松山市', code: '382019', postalPrefix: '790' },
  { prefecture: '福岡県', municipality: '北九州市', code: '401005', postalPrefix: '800' },
  { prefecture: '福岡県', municipality: '福岡市', code: '401307', postalPrefix: '810' },
  { prefecture: '熊本県', municipality: '熊本市', code: '431001', postalPrefix: '860' },
  { prefecture: '沖縄県', municipality: '那覇市', code: '472018', postalPrefix: '900' },
];

/** Town names that exist nowhere (架空 = fictitious, 見本 = sample), so an address can never be a real one. */
export const FICTIONAL_TOWNS: readonly string[] = [
  '架空町',
  '見本町',
  '試験台',
  '仮想が丘',
  '模擬野',
  '例示坂',
];
