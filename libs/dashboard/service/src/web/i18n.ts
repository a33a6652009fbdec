/** Labels in English and Japanese; the operator picks with the switch in the header (a cookie). */
export type Lang = 'en' | 'ja';

const LABELS = {
  title: ['J-LIS operator dashboard', 'J-LIS 運用ダッシュボード'],
  overview: ['Pipeline', 'パイプライン'],
  applications: ['Applications', '申請'],
  reviews: ['Photo review', '写真審査'],
  lanes: ['Lanes', '発行レーン'],
  deadLetters: ['Dead letters', 'デッドレター'],
  stuck: ['Stuck items', '滞留案件'],
  revocations: ['Revocations', '失効'],
  forecast: ['Capacity forecast', '処理能力予測'],
  operators: ['Operators', 'オペレーター'],
  logout: ['Sign out', 'ログアウト'],
  login: ['Sign in', 'ログイン'],
  user: ['User', 'ユーザー'],
  password: ['Password', 'パスワード'],
  loginWithOidc: ['Sign in with the identity provider', 'IDプロバイダーでログイン'],
  stage: ['Stage', '工程'],
  waiting: ['Waiting', '待ち'],
  express: ['Express', '特急'],
  oldest: ['Oldest item age', '最古案件の経過時間'],
  stuckCount: ['Past threshold', '閾値超過'],
  throughput: ['Completions per minute (last hour)', '工程別処理件数／分（直近1時間）'],
  slaBreaches: ['SLA breaches', 'SLA超過'],
  expressOpen: ['Express in progress', '特急 処理中'],
  finished: ['Finished', '完了'],
  live: ['live', 'ライブ'],
  search: ['Search', '検索'],
  searchHint: ['Application id, card number or municipality code', '申請ID・カード番号・市区町村コード'],
  position: ['Position', '現在の工程'],
  route: ['Route', 'ルート'],
  municipality: ['Municipality', '市区町村'],
  cardNumber: ['Card number', 'カード番号'],
  submitted: ['Submitted', '申請日時'],
  since: ['In position since', '現工程の開始'],
  slaDue: ['SLA due', 'SLA期限'],
  timeline: ['Timeline', '履歴'],
  personalData: ['Personal data', '個人情報'],
  masked: [
    'Masked. State a reason to reveal it; the reason goes to the audit log.',
    'マスク表示中。表示するには理由を入力してください（監査ログに記録されます）。',
  ],
  reason: ['Reason', '理由'],
  reveal: ['Reveal', '表示'],
  claim: ['Claim (c)', '担当する (c)'],
  approve: ['Approve (a)', '承認 (a)'],
  reject: ['Reject (r)', '却下 (r)'],
  next: ['Next (j)', '次へ (j)'],
  previous: ['Previous (k)', '前へ (k)'],
  checks: ['Checks', 'チェック結果'],
  value: ['Value', '測定値'],
  thresholdCol: ['Threshold', '閾値'],
  state: ['State', '状態'],
  currentCard: ['Current card', '処理中のカード'],
  cardsPerHour: ['Cards/h', '枚/時'],
  spoilRate: ['Spoil rate', '損紙率'],
  reader: ['Reader', 'リーダー'],
  pause: ['Pause', '一時停止'],
  drain: ['Drain', '排出して停止'],
  resume: ['Resume', '再開'],
  cardFaces: ['Recent card faces', '最近の券面'],
  replay: ['Replay', '再送'],
  discard: ['Discard', '破棄'],
  error: ['Error', 'エラー'],
  event: ['Event', 'イベント'],
  topic: ['Topic', 'トピック'],
  parked: ['Parked', '保留中'],
  crlAge: ['CRL age', 'CRL経過時間'],
  backlog: ['Backlog (not yet encoded)', '未発行の滞留件数'],
  laneRate: ['Lane throughput (good cards/h, last hour)', 'レーン処理能力（良品枚/時、直近1時間）'],
  arrivals: ['Arrivals/h', '受付件数/時'],
  clearsAt: ['Backlog clears', '滞留解消見込み'],
  peak: ['Renewal peak what-if', '更新ピーク時の試算'],
  role: ['Role', 'ロール'],
  auditLog: ['Audit log', '監査ログ'],
  notAvailable: ['not available', '利用不可'],
  none: ['None', 'なし'],
  refused: ['Refused', '拒否'],
} as const satisfies Record<string, readonly [string, string]>;

export type LabelKey = keyof typeof LABELS;

export function label(lang: Lang, key: LabelKey): string {
  return LABELS[key][lang === 'ja' ? 1 : 0];
}

export function translator(lang: Lang): (key: LabelKey) => string {
  return (key) => label(lang, key);
}

const STAGES: Record<string, readonly [string, string]> = {
  intake: ['Intake', '受付'],
  'photo-screening': ['Photo screening', '写真審査'],
  'issuance-data': ['Issuance data', '発行データ作成'],
  'encode-lane': ['Print and encode', '券面印刷・IC書込'],
  'pre-delivery': ['Pre-delivery setup', '交付前設定'],
  delivery: ['Delivery', '配送'],
  delivered: ['Delivered', '配達済み'],
  'handed-over': ['Handed over', '交付済み'],
  'photo-rejected': ['Photo rejected', '写真不備'],
  cancelled: ['Cancelled', '取下げ'],
};

/** A stage or position name for people; the code name stays in data attributes and the API. */
export function stageLabel(lang: Lang, stage: string): string {
  const entry = STAGES[stage];
  return entry ? entry[lang === 'ja' ? 1 : 0] : stage;
}
