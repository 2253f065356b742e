// The page's words in Chinese and English. The choice is kept in
// localStorage; Chinese is the default, for the people who read these figures.
const strings = {
  zh: {
    title: 'ftel 智能工厂 AI 渗透率', broker: '代理', username: '用户名', password: '密码', connect: '连接',
    idle: '未连接', connecting: '连接中…', connected: '已连接', reconnecting: '重新连接中…',
    disconnected: '已断开', refused: '登录被拒绝', error: '错误',
    refusedDetail: '登录被拒绝：用户名或密码错误，或无权访问。',
    lostDetail: '与代理的连接已断开，正在自动重连；显示的是最后收到的数据。',
    fleet: '集团总览', trends: '趋势', hourly: '按小时', daily: '按天', factories: '工厂',
    factory: '工厂详情', groups: '分组', filter: '筛选（名称、行业、地区）',
    declared: '申报渗透率', observed: '实测渗透率', pooled: '合并', min: '最低', median: '中位数', max: '最高',
    ladder: '达标工厂数', mark: '标线', coverage: '覆盖', factoriesN: '工厂', reporting: '正常上报',
    stale: '数据过期', offline: '离线', online: '在线', completeness: '完整性', name: '名称', sector: '行业',
    region: '地区', oee: 'OEE', availability: '可用率', effectiveness: '效率', quality: '质量',
    terminals: 'AI 终端占比', keyEquipment: 'AI 关键设备占比', matrix: '场景矩阵（按业务环节）',
    scenario: '场景', built: '已建设', aiDeclared: 'AI 申报', aiObserved: 'AI 实测', link: '业务环节',
    links: '业务环节', sectors: '行业', regions: '地区', yes: '是', no: '否', noData: '尚无数据',
    points: '数据点', language: 'English',
  },
  en: {
    title: 'ftel smart-factory AI penetration', broker: 'Broker', username: 'Username', password: 'Password',
    connect: 'Connect', idle: 'not connected', connecting: 'connecting…', connected: 'connected',
    reconnecting: 'reconnecting…', disconnected: 'disconnected', refused: 'login refused', error: 'error',
    refusedDetail: 'Login refused: wrong username or password, or not allowed.',
    lostDetail: 'Connection to the broker lost; reconnecting by itself. The figures are the last received.',
    fleet: 'Fleet', trends: 'Trends', hourly: 'hourly', daily: 'daily', factories: 'Factories',
    factory: 'Factory', groups: 'Groups', filter: 'filter (name, sector, region)',
    declared: 'declared penetration', observed: 'observed penetration', pooled: 'pooled', min: 'min',
    median: 'median', max: 'max', ladder: 'factories at or above', mark: 'mark', coverage: 'coverage',
    factoriesN: 'factories', reporting: 'reporting', stale: 'stale', offline: 'offline', online: 'online',
    completeness: 'completeness', name: 'name', sector: 'sector', region: 'region', oee: 'OEE',
    availability: 'availability', effectiveness: 'effectiveness', quality: 'quality',
    terminals: 'AI-capable terminals', keyEquipment: 'AI-enabled key equipment',
    matrix: 'scenario matrix by process link', scenario: 'scenario', built: 'built',
    aiDeclared: 'AI declared', aiObserved: 'AI observed', link: 'process link', links: 'process links',
    sectors: 'sectors', regions: 'regions', yes: 'yes', no: 'no', noData: 'no data yet',
    points: 'history points', language: '中文',
  },
};

let language = localStorage.getItem('ftel.language') === 'en' ? 'en' : 'zh';

export function currentLanguage() { return language; }

export function setLanguage(next) {
  language = next === 'en' ? 'en' : 'zh';
  localStorage.setItem('ftel.language', language);
  document.documentElement.lang = language;
}

export function t(key) { return strings[language][key] ?? key; }

// Fills the static elements marked data-i18n / data-i18n-placeholder.
export function translateStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
}
