/**
 * Hot-issue mining at the city's scale:
 *  (a) the 4,326 TipDM Cup messages (target ≤ 10 s on one core), with the top 10 and their members;
 *  (b) 100,000 synthetic messages (target ≤ 120 s, tokenising included): planted issues of known size —
 *      one problem at one estate or road over days to weeks, written by different people in different
 *      words — among single messages about other problems and places, so the bench also says how well the
 *      planted issues come back (purity of the issues found, recall of the planted ones);
 *  (c) a baseline in the same run: every pair of 5,000 of those messages compared (no inverted index)
 *      and linked by the same rule, then connected components (no centroids), against mineHotIssues on the
 *      same 5,000.
 *
 *   npx tsx bench/hot-issues.ts            (BENCH_SYNTHETIC=100000, BENCH_BASELINE=5000)
 * Prints tables; writes bench/results/hot-issues.json. Part (a) is skipped without ../shared/data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { disjointSets } from '../src/text/disjoint-sets.ts';
import { gazetteerForMessages } from '../src/text/export-gazetteer.ts';
import { cityDay, type HotIssue, type HotIssueMessage, mineHotIssues } from '../src/text/hot-issues.ts';
import { readMessageFile } from '../src/text/message-files.ts';
import { buildGazetteer, extractPlaces, type Gazetteer } from '../src/text/places.ts';
import { seededRandom } from '../src/text/random.ts';
import { tokenize } from '../src/text/tokenizer.ts';

const DATA = path.join(import.meta.dirname, '..', '..', 'shared', 'data', 'teddycup2020', 'messages_with_votes.csv');
const SYNTHETIC = Number(process.env.BENCH_SYNTHETIC ?? 100_000);
const BASELINE = Number(process.env.BENCH_BASELINE ?? 5_000);
const TARGET_REAL_S = 10;
const TARGET_SYNTHETIC_S = 120;

const seconds = (since: number) => Number(((performance.now() - since) / 1000).toFixed(2));

// ── (a) the TipDM Cup messages ─────────────────────────────────────────────────────────────────────────

function realData() {
  if (!fs.existsSync(DATA)) {
    console.log(
      `(a) skipped: ${path.relative(process.cwd(), DATA)} is missing (the shared data folder beside the repository).`,
    );
    return null;
  }
  let started = performance.now();
  const messages = readMessageFile(DATA);
  const readS = seconds(started);
  started = performance.now();
  const gazetteer = gazetteerForMessages(messages);
  const gazetteerS = seconds(started);
  started = performance.now();
  const issues = mineHotIssues(messages, gazetteer);
  const mineS = seconds(started);
  console.log(
    `\n(a) ${messages.length} TipDM Cup messages: read ${readS} s, place names learned ${gazetteerS} s, mined ${mineS} s → ${issues.length} issues (target ≤ ${TARGET_REAL_S} s)\n`,
  );
  console.log('| rank | heat | title | place | district | from | to | messages | reporters | supports |');
  console.log('|---:|---:|---|---|---|---|---|---:|---:|---:|');
  for (const issue of issues.slice(0, 10)) {
    console.log(
      `| ${issue.rank} | ${issue.heat.toFixed(2)} | ${issue.title} | ${issue.place?.text ?? ''} | ${issue.place?.district ?? ''} | ${cityDay(issue.from)} | ${cityDay(issue.to)} | ${issue.memberIds.length} | ${issue.reporters} | ${issue.supports} |`,
    );
  }
  console.log('\nMembers of the top 10:');
  for (const issue of issues.slice(0, 10)) console.log(`  ${issue.rank}: ${issue.memberIds.join(' ')}`);
  return {
    messages: messages.length,
    readSeconds: readS,
    gazetteerSeconds: gazetteerS,
    mineSeconds: mineS,
    issues: issues.length,
    top10: issues.slice(0, 10).map(summary),
  };
}

function summary(issue: HotIssue) {
  return {
    rank: issue.rank,
    heat: issue.heat,
    heatParts: issue.heatParts,
    title: issue.title,
    place: issue.place,
    from: cityDay(issue.from),
    to: cityDay(issue.to),
    reporters: issue.reporters,
    supports: issue.supports,
    oppositions: issue.oppositions,
    keywords: issue.keywords,
    memberIds: issue.memberIds,
  };
}

// ── (b) synthetic messages ─────────────────────────────────────────────────────────────────────────────

/**
 * Problems citizens write about, each as titles and detail sentences ({p} the place, {d} its district,
 * {t} a time, {n} a number): 40 problems, about 400 templates.
 */
const PROBLEMS: { titles: string[]; details: string[] }[] = [
  [
    '{p}旁工地夜间施工噪音扰民|投诉{p}附近工地深夜施工|{d}{p}工地晚上施工吵得睡不着|{p}夜间施工何时能停',
    '工地每天{t}以后还在施工|打桩机的声音震得窗户响|孩子第二天要上学却无法入睡|多次打电话投诉没有任何效果|夜间施工许可是否合法|请查处违规夜间施工',
  ],
  [
    '{p}频繁停水|{p}又停水了没有通知|{d}{p}停水问题|{p}自来水断供{n}天',
    '这个月已经停水{n}次|停水前没有任何通知|老人孩子洗漱做饭都成问题|物业说是管网老化|自来水公司电话一直打不通|请尽快恢复供水',
  ],
  [
    '{p}经常停电|{p}停电影响生活|{d}{p}供电不稳',
    '一到晚上{t}就跳闸停电|冰箱里的食物都坏了|供电所说在检修线路|变压器容量太小|夏天高温停电非常难受|请电力部门解决',
  ],
  [
    '{p}电梯频繁故障|{p}电梯困人|{d}{p}电梯维修不及时',
    '电梯一个月坏了{n}次|上周有老人被困在电梯里|物业维修拖拖拉拉|电梯维保单位不负责任|高层住户只能爬楼梯|请特种设备部门检查',
  ],
  [
    '{p}楼下餐馆油烟扰民|{p}油烟直排|{d}{p}烧烤油烟问题',
    '楼下餐馆的油烟直接排到住户窗口|家里不敢开窗|没有安装油烟净化设备|晚上{t}还在烧烤|衣服晒在外面全是油烟味|请环保部门查处',
  ],
  [
    '{p}车辆乱停乱放|{p}违章停车严重|{d}{p}停车堵塞通道',
    '路边停满了车|消防通道被堵住|早上出门车子开不出去|交警很少来管|小区车位严重不足|请增加巡查',
  ],
  [
    '{p}垃圾清运不及时|{p}垃圾堆积发臭|{d}{p}垃圾站臭气',
    '垃圾桶满了好几天没人清理|夏天臭气熏天|苍蝇老鼠很多|环卫车{t}才来一次|居民只能把垃圾放在路边|请环卫部门处理',
  ],
  [
    '{p}路灯不亮|{p}晚上一片漆黑|{d}{p}路灯坏了没人修',
    '路灯坏了{n}个月|晚上走路很不安全|有老人摔倒过|报修多次没人来|附近还有学校|请尽快修复路灯',
  ],
  [
    '{p}路面坑洼不平|{p}道路破损严重|{d}{p}路面塌陷',
    '路面到处是坑|下雨天积水很深|电动车经常摔倒|大货车压坏了路面|修了又坏坏了又修|请交通部门重新铺设',
  ],
  [
    '{p}下水道堵塞|{p}污水外溢|{d}{p}化粪池满溢',
    '下水道堵了{n}天|污水流到了路面上|一楼住户家里返水|臭味很大|物业说不归他们管|请尽快疏通',
  ],
  [
    '{p}物业乱收费|{p}物业费上涨不合理|{d}{p}物业服务差收费高',
    '物业费一下涨了{n}成|没有召开业主大会|服务越来越差|公共收益去向不明|不交费就停水停电|请住建部门监管',
  ],
  [
    '{p}学位不足孩子上学难|{p}配套学校迟迟不开学|{d}{p}学区划分不合理',
    '小区配套的学校一直没有建好|孩子被划到很远的学校|每天接送要{n}分钟|开发商承诺的学位没有兑现|教育局回复含糊|请保障适龄儿童就近入学',
  ],
  [
    '{p}广场舞噪音扰民|{p}广场舞音响太大|{d}{p}跳舞噪音',
    '每天晚上{t}音响开得很大|附近住户无法休息|高考期间也不停|沟通多次没有效果|请规定音量和时间|希望城管出面',
  ],
  [
    '{p}违章搭建|{p}楼顶违建|{d}{p}私搭乱建无人管',
    '有住户在楼顶搭了{n}平方的房子|占用公共绿地|存在安全隐患|城管来看过一次就没下文|其他住户也开始效仿|请依法拆除',
  ],
  [
    '{p}占道经营|{p}流动摊贩堵路|{d}{p}马路市场',
    '摊贩把道路占了一半|早晚高峰寸步难行|卫生状况很差|城管来了就跑走了就来|影响居民出行|请规范管理',
  ],
  [
    '{p}公交班次太少|{p}公交车难等|{d}{p}公交线路调整',
    '公交车要等{n}分钟|早高峰挤不上车|线路调整后绕了很远|末班车太早|上班族非常不便|请增加班次',
  ],
  [
    '{p}渣土车扬尘|{p}渣土车抛洒|{d}{p}渣土车超速',
    '渣土车{t}以后成群结队|路面全是泥土|扬尘很大|车速很快很危险|没有覆盖篷布|请加强执法',
  ],
  [
    '{p}楼顶漏水|{p}房屋渗水|{d}{p}外墙渗水',
    '下雨天家里到处漏水|墙面发霉|找开发商维修推诿|维修基金申请不下来|已经{n}年了|请督促维修',
  ],
  [
    '{p}延期交房|{p}开发商逾期交房|{d}{p}迟迟不交房',
    '合同约定的交房日期已经过了{n}个月|开发商一直拖延|业主还在付房贷和房租|工地基本停工|担心烂尾|请住建部门督促',
  ],
  [
    '{p}捆绑销售车位|{p}买房必须买车位|{d}{p}强制购买车位',
    '开发商要求买房同时购买车位|车位价格{n}万|不买车位就不给签合同|这是捆绑销售|违反公平交易|请物价部门查处',
  ],
  [
    '{p}燃气管道安全隐患|{p}燃气泄漏|{d}{p}燃气管老化',
    '楼道里有燃气味|燃气管道锈蚀严重|燃气公司说要业主出钱改造|担心发生爆炸|已经反映{n}次|请尽快检修',
  ],
  [
    '{p}房屋墙体开裂|{p}房屋质量问题|{d}{p}楼板开裂',
    '交房不到{n}年墙体就开裂|楼板出现裂缝|开发商只是简单修补|担心房屋安全|请质监部门鉴定|要求开发商承担责任',
  ],
  [
    '{p}绿化被毁|{p}绿地被占|{d}{p}砍树',
    '小区的树被砍了|绿地被改成停车场|没有征求业主意见|环境越来越差|请园林部门查处|恢复绿化',
  ],
  [
    '{p}狗吠扰民|{p}养狗不拴绳|{d}{p}宠物扰民',
    '有住户养了{n}条狗|晚上一直叫|遛狗不拴绳吓到孩子|狗屎到处都是|沟通无果|请社区处理',
  ],
  [
    '{p}消防通道被占|{p}消防设施损坏|{d}{p}消防隐患',
    '消防通道停满了车|灭火器过期|消防栓没有水|楼道堆满杂物|一旦失火后果严重|请消防部门检查',
  ],
  [
    '{p}没有充电桩|{p}电动车充电难|{d}{p}飞线充电',
    '小区没有电动车充电桩|住户从楼上拉线充电|存在火灾隐患|物业不愿意安装|请推动建设充电设施|已经反映{n}次',
  ],
  [
    '{p}学校门口交通拥堵|{p}接送孩子堵车|{d}{p}校门口拥堵',
    '上学放学时段堵得水泄不通|家长车辆乱停|孩子过马路很危险|没有交警疏导|每天堵{n}分钟|请设置临时停车区',
  ],
  [
    '{p}菜市场卫生差|{p}农贸市场脏乱|{d}{p}市场污水横流',
    '市场里污水横流|臭味很大|摊位乱摆|没有人打扫|蚊蝇很多|请市场监管部门整治',
  ],
  [
    '{p}污水直排|{p}河道污染|{d}{p}工厂偷排',
    '工厂晚上{t}偷偷排放污水|河水发黑发臭|鱼都死了|附近居民不敢开窗|环保部门来了就停|请严厉查处',
  ],
  [
    '{p}KTV噪音扰民|{p}娱乐场所噪音|{d}{p}KTV营业到凌晨',
    '楼下KTV营业到凌晨|唱歌声音很大|低音炮震得床都在响|多次报警没有效果|住户长期失眠|请文化执法部门处理',
  ],
  [
    '{p}酒吧噪音|{p}酒吧扰民|{d}{p}酒吧深夜喧哗',
    '酒吧每晚音乐声很大|醉酒的人深夜喧哗|凌晨{t}还在吵|门口停满车|住户无法休息|请依法查处',
  ],
  [
    '{p}黑车拉客|{p}非法营运|{d}{p}摩的揽客',
    '很多黑车在路口拉客|摩的乱窜很危险|价格随意|交通秩序混乱|正规出租车不来|请交通执法部门整治',
  ],
  [
    '{p}共享单车乱停|{p}单车堵塞人行道|{d}{p}共享单车堆积',
    '共享单车堆满人行道|行人只能走机动车道|盲道被占|运营公司不清理|已经{n}个月|请规范停放',
  ],
  [
    '{p}拆迁补偿不合理|{p}征收补偿标准低|{d}{p}拆迁问题',
    '补偿标准比周边低很多|评估不公开|强制拆迁|安置房迟迟不建|已经等了{n}年|请公开补偿方案',
  ],
  [
    '{p}拖欠农民工工资|{p}工地欠薪|{d}{p}讨薪',
    '工程完工{n}个月工资还没发|包工头联系不上|总包单位推诿|过年都回不了家|劳动监察部门说在处理|请帮助讨回工资',
  ],
  [
    '{p}幼儿园收费高|{p}普惠幼儿园难进|{d}{p}幼儿园乱收费',
    '幼儿园每月收费{n}元|另外还收各种杂费|说是普惠园却收费很高|附近没有公办园|家长负担很重|请教育部门核查',
  ],
  [
    '{p}医院停车难|{p}医院周边拥堵|{d}{p}看病难',
    '医院停车场排队{n}分钟|周边道路全是车|救护车都进不去|挂号排队很长|请优化交通组织|增加停车位',
  ],
  [
    '{p}商铺噪音|{p}底层商铺扰民|{d}{p}门面音响',
    '底层门面用音响招揽生意|声音很大|从早放到晚|住户无法休息|沟通无果|请城管处理',
  ],
  [
    '{p}水压不足|{p}高层没水|{d}{p}二次供水',
    '高层住户水压不足|早晚用水高峰没有水|二次供水设施不运行|物业说在维修|已经{n}周|请水务部门解决',
  ],
  [
    '{p}网络信号差|{p}没有宽带|{d}{p}通信基站',
    '手机信号很差|宽带只有一家运营商|价格高速度慢|基站建设被阻|影响上网课|请通信管理部门协调',
  ],
].map(([titles, details]) => ({ titles: titles!.split('|'), details: details!.split('|') }));

/** Sentences of any message: what writers add around the problem. */
const FILLERS =
  '我是这里的居民|我们已经忍了很久|希望领导重视|请相关部门尽快处理|谢谢|恳请政府关注|这个问题由来已久|周边居民意见很大|我们多次反映无果|希望早日解决|作为纳税人我们很失望|请给我们一个答复|这严重影响了我们的生活|很多邻居都有同感|盼复|特此反映'.split(
    '|',
  );
const NAME_CHARS =
  '桂荷兰金银华盛天明星月阳光翠绿青山水湖江河海东西南北新城龙凤鹏锦绣富贵安康宁泰平福瑞祥德嘉丰瀚雅博文御景尚品名悦君豪雍荣恒'.split(
    '',
  );
const ESTATE_SUFFIXES = ['小区', '花园', '苑', '家园', '公寓', '城', '嘉园', '雅苑'];
const ROAD_SUFFIXES = ['路', '大道', '街', '中路', '东路'];
const DISTRICTS = ['A1区', 'A2区', 'A3区', 'A4区', 'A5区', 'A6区', 'A7县', 'A8县', 'A9市'];
const TIMES = ['晚上十点', '晚上十一点', '凌晨一点', '凌晨两点', '早上六点', '中午', '傍晚'];
const YEAR_START = Date.UTC(2024, 0, 1) - 8 * 3_600_000;
const DAY_MS = 86_400_000;

interface Synthetic {
  messages: HotIssueMessage[];
  /** The planted issue of each message; noise messages have none. */
  plantedOf: Map<string, number>;
  plantedSizes: number[];
}

function synthesise(total: number, seed: number): Synthetic {
  const rand = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const name = () => pick(NAME_CHARS) + pick(NAME_CHARS) + (rand() < 0.3 ? pick(NAME_CHARS) : '');
  // Places: each (problem, place) pair is used by one planted issue or one single message at most, so a
  // pair of messages about one problem at one place within weeks is always a planted issue.
  const places = new Set<string>();
  while (places.size < 12_000) places.add(name() + (rand() < 0.75 ? pick(ESTATE_SUFFIXES) : pick(ROAD_SUFFIXES)));
  const placeList = [...places];
  const districtOf = new Map(placeList.map((p) => [p, pick(DISTRICTS)]));
  const used = new Set<string>();
  const freshPair = () => {
    for (;;) {
      const problem = Math.floor(rand() * PROBLEMS.length);
      const place = pick(placeList);
      if (!used.has(`${problem}|${place}`)) {
        used.add(`${problem}|${place}`);
        return { problem, place };
      }
    }
  };
  const write = (problem: number, place: string, day: number, author: string): HotIssueMessage => {
    const { titles, details } = PROBLEMS[problem]!;
    const fill = (s: string) =>
      s
        .replace('{p}', place)
        .replace('{d}', districtOf.get(place)!)
        .replace('{t}', pick(TIMES))
        .replace('{n}', String(2 + Math.floor(rand() * 20)));
    const sentences = [rand() < 0.6 ? `我住在${districtOf.get(place)}${place}` : `${place}的情况是这样的`];
    const count = 2 + Math.floor(rand() * 3);
    for (let i = 0; i < count; i++) sentences.push(fill(pick(details)));
    for (let i = Math.floor(rand() * 3); i > 0; i--) sentences.push(pick(FILLERS));
    const supports = rand() < 0.02 ? Math.floor(rand() * 500) : Math.floor(rand() * 3);
    return {
      id: '',
      author,
      title: fill(pick(titles)),
      detail: `${sentences.join('，')}。`,
      writtenAt: new Date(YEAR_START + day * DAY_MS + Math.floor(rand() * DAY_MS)),
      supports,
      oppositions: rand() < 0.1 ? 1 : 0,
    };
  };
  const messages: HotIssueMessage[] = [];
  const planted: number[] = [];
  const plantedSizes: number[] = [];
  // About 40 % of the messages belong to planted issues of 2 to 80 messages (most small, a few large).
  let plantedTotal = 0;
  while (plantedTotal < total * 0.4) {
    const size = Math.min(80, 2 + Math.floor(-Math.log(1 - rand()) * 8));
    const { problem, place } = freshPair();
    const start = Math.floor(rand() * 330);
    const span = 3 + Math.floor(rand() * 50);
    const group = plantedSizes.length;
    plantedSizes.push(size);
    for (let k = 0; k < size; k++) {
      const author = rand() < 0.85 ? `p${group}-${k}` : `p${group}-0`;
      messages.push(write(problem, place, start + Math.floor(rand() * span), author));
      planted.push(group);
    }
    plantedTotal += size;
  }
  while (messages.length < total) {
    const { problem, place } = freshPair();
    messages.push(write(problem, place, Math.floor(rand() * 365), `n${messages.length}`));
    planted.push(-1);
  }
  const plantedOf = new Map<string, number>();
  messages.forEach((m, i) => {
    m.id = `s${i}`;
    if (planted[i]! >= 0) plantedOf.set(m.id, planted[i]!);
  });
  return { messages, plantedOf, plantedSizes };
}

/**
 * Purity: of each issue found, the share of its members from its commonest planted issue (single messages
 * count as their own), weighted by size. Recall: of each planted issue, the largest share of its members
 * found together in one issue, weighted by size. Recovered: planted issues with at least half their
 * members in one issue at least 80 % pure.
 */
function recovery(groups: readonly string[][], synthetic: Pick<Synthetic, 'plantedOf' | 'plantedSizes'>) {
  let pure = 0;
  let grouped = 0;
  const best = new Map<number, { share: number; purity: number }>();
  for (const members of groups) {
    const counts = new Map<number, number>();
    for (const id of members) {
      const planted = synthetic.plantedOf.get(id);
      if (planted !== undefined) counts.set(planted, (counts.get(planted) ?? 0) + 1);
    }
    const top = Math.max(1, ...counts.values());
    pure += top;
    grouped += members.length;
    const purity = top / members.length;
    for (const [planted, n] of counts) {
      const share = n / synthetic.plantedSizes[planted]!;
      if (share > (best.get(planted)?.share ?? 0)) best.set(planted, { share, purity });
    }
  }
  let found = 0;
  let recovered = 0;
  let all = 0;
  let plantedIssues = 0;
  for (const [planted, size] of synthetic.plantedSizes.entries()) {
    if (size < 2) continue; // outside this run, or one message of it: nothing to find
    plantedIssues++;
    all += size;
    const b = best.get(planted);
    found += (b?.share ?? 0) * size;
    if (b && b.share >= 0.5 && b.purity >= 0.8) recovered++;
  }
  return {
    issues: groups.length,
    purity: ratio(pure, grouped),
    recall: ratio(found, all),
    recovered: ratio(recovered, plantedIssues),
  };
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : Number((a / b).toFixed(3));
}

function syntheticRun(synthetic: Synthetic, gazetteer: Gazetteer) {
  const started = performance.now();
  let lastTenth = -1;
  const issues = mineHotIssues(synthetic.messages, gazetteer, {
    onProgress(done, total) {
      const tenth = Math.floor((done / total) * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`  ${done}/${total} ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      }
    },
  });
  return { seconds: seconds(started), issues };
}

// ── (c) the baseline: every pair, connected components ────────────────────────────────────────────────

/**
 * What a first attempt would do: TF-IDF vectors of the same words, every pair of messages within 90 days
 * compared, linked by the same rule (never at different places; cosine ≥ 0.15 at the same place, ≥ 0.4
 * when either names none), issues the connected components. Quadratic, and with nothing to stop chains.
 */
function allPairsComponents(messages: readonly HotIssueMessage[], gazetteer: Gazetteer): string[][] {
  const docs = messages.map((m) => {
    const counts = new Map<string, number>();
    for (const w of tokenize(m.title)) counts.set(w, (counts.get(w) ?? 0) + 3);
    for (const w of tokenize(m.detail)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const places = [...extractPlaces(m.title, gazetteer), ...extractPlaces(m.detail, gazetteer)]
      .filter((p) => p.kind !== 'district' && p.kind !== 'town')
      .map((p) => p.text);
    return { counts, places, time: m.writtenAt.getTime() };
  });
  const df = new Map<string, number>();
  for (const d of docs) for (const w of d.counts.keys()) df.set(w, (df.get(w) ?? 0) + 1);
  const vectors = docs.map((d) => {
    const v = new Map<string, number>();
    for (const [w, tf] of d.counts) v.set(w, (1 + Math.log(tf)) * Math.log((docs.length + 1) / (df.get(w)! + 1)));
    const norm = Math.sqrt([...v.values()].reduce((a, w) => a + w * w, 0)) || 1;
    for (const [w, x] of v) v.set(w, x / norm);
    return v;
  });
  const samePlace = (a: string[], b: string[]) => a.some((x) => b.some((y) => x.includes(y) || y.includes(x)));
  const sets = disjointSets(messages.length);
  for (let i = 0; i < messages.length; i++) {
    for (let j = i + 1; j < messages.length; j++) {
      if (Math.abs(docs[i]!.time - docs[j]!.time) > 90 * DAY_MS) continue;
      let dot = 0;
      for (const [w, x] of vectors[i]!) dot += x * (vectors[j]!.get(w) ?? 0);
      const [a, b] = [docs[i]!.places, docs[j]!.places];
      if (a.length > 0 && b.length > 0 && !samePlace(a, b)) continue;
      if (dot >= (a.length > 0 && b.length > 0 ? 0.15 : 0.4)) sets.join(i, j);
    }
  }
  const components = new Map<number, string[]>();
  messages.forEach((m, i) => {
    const r = sets.root(i);
    components.set(r, [...(components.get(r) ?? []), m.id]);
  });
  return [...components.values()].filter((c) => c.length > 1);
}

// ── Run ───────────────────────────────────────────────────────────────────────────────────────────────

const real = realData();

const synthetic = synthesise(SYNTHETIC, 20_240_101);
const gazetteer = buildGazetteer(DISTRICTS.map((name) => ({ name, areaCode: name.slice(0, 2), level: 'district' })));
process.stderr.write(`(b) mining ${synthetic.messages.length} synthetic messages…\n`);
const big = syntheticRun(synthetic, gazetteer);
const bigQuality = recovery(
  big.issues.map((i) => i.memberIds),
  synthetic,
);

// The baseline's 5,000: the first messages in time, where planted issues are whole.
const subset = [...synthetic.messages].sort((a, b) => a.writtenAt.getTime() - b.writtenAt.getTime()).slice(0, BASELINE);
const subsetIds = new Set(subset.map((m) => m.id));
const subsetTruth = {
  plantedOf: new Map([...synthetic.plantedOf].filter(([id]) => subsetIds.has(id))),
  plantedSizes: synthetic.plantedSizes.map(
    (_, g) => [...synthetic.plantedOf].filter(([id, p]) => p === g && subsetIds.has(id)).length,
  ),
};
process.stderr.write(`(c) ${BASELINE} messages: mineHotIssues, then every pair…\n`);
let started = performance.now();
const indexedIssues = mineHotIssues(subset, gazetteer);
const indexedS = seconds(started);
started = performance.now();
const components = allPairsComponents(subset, gazetteer);
const allPairsS = seconds(started);
const indexedQuality = recovery(
  indexedIssues.map((i) => i.memberIds),
  { ...subsetTruth, plantedSizes: subsetTruth.plantedSizes },
);
const allPairsQuality = recovery(components, subsetTruth);
const extrapolated = Number((allPairsS * (SYNTHETIC / BASELINE) ** 2).toFixed(0));

console.log(`\n(b) ${synthetic.messages.length} synthetic messages, ${synthetic.plantedSizes.length} planted issues\n`);
console.log('| run | messages | seconds | issues | purity | recall | planted issues recovered |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
const row = (name: string, n: number, s: number, q: ReturnType<typeof recovery>) =>
  console.log(
    `| ${name} | ${n} | ${s} | ${q.issues} | ${(q.purity * 100).toFixed(1)} % | ${(q.recall * 100).toFixed(1)} % | ${(q.recovered * 100).toFixed(1)} % |`,
  );
row('mineHotIssues', synthetic.messages.length, big.seconds, bigQuality);
row('mineHotIssues (subset)', BASELINE, indexedS, indexedQuality);
row('all pairs + components (subset)', BASELINE, allPairsS, allPairsQuality);
console.log(
  `\nTargets: TipDM Cup ≤ ${TARGET_REAL_S} s — ${real ? (real.mineSeconds + real.gazetteerSeconds <= TARGET_REAL_S ? 'met' : 'NOT met') : 'not measured'}; ${SYNTHETIC} messages ≤ ${TARGET_SYNTHETIC_S} s — ${big.seconds <= TARGET_SYNTHETIC_S ? 'met' : 'NOT met'}. All pairs is ${(allPairsS / indexedS).toFixed(1)}× slower on ${BASELINE} messages; at ${SYNTHETIC} it would take about ${extrapolated} s (quadratic).`,
);

const out = path.join(import.meta.dirname, 'results', 'hot-issues.json');
fs.writeFileSync(
  out,
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      real,
      synthetic: {
        messages: synthetic.messages.length,
        plantedIssues: synthetic.plantedSizes.length,
        plantedMessages: synthetic.plantedOf.size,
        seconds: big.seconds,
        ...bigQuality,
        top5: big.issues.slice(0, 5).map((i) => ({ ...summary(i), memberIds: i.memberIds.length })),
      },
      baseline: {
        messages: BASELINE,
        indexed: { seconds: indexedS, ...indexedQuality },
        allPairsComponents: { seconds: allPairsS, ...allPairsQuality },
        slowdown: Number((allPairsS / indexedS).toFixed(1)),
        allPairsExtrapolatedSeconds: extrapolated,
      },
    },
    null,
    2,
  )}\n`,
);
console.log(`written ${path.relative(process.cwd(), out)}`);
