/**
 * `quantlab experiments list | show | compare | metrics`: backtests and training runs, through
 * `lab.experiments.list`, `summary`, `compare` and `metrics`.
 *
 * @module
 */
import type { Command } from 'commander';
import type { Comparison } from '../../experiments/compare.js';
import { EXPERIMENT_TYPES } from '../../experiments/definition.js';
import type { ExperimentFilter } from '../../experiments/filter.js';
import { EXPERIMENT_STATUSES, type ExperimentStatus } from '../../experiments/lifecycle.js';
import type {
  Experiment,
  ExperimentPage,
  ExperimentSummary,
  MetricPoint,
} from '../../experiments/types.js';
import type { JsonValue } from '../../storage/records.js';
import {
  type Column,
  formatDate,
  formatDuration,
  formatFields,
  formatNumber,
  formatTable,
  formatValue,
} from '../output.js';
import { type CliContext, withCommonOptions, withLab } from '../session.js';
import { listOf, oneOf, parseInstant, parseLimit, parseText, textList } from '../values.js';
import { nextPageHint } from './pages.js';

interface ListOptions {
  status?: ExperimentStatus[];
  type?: (typeof EXPERIMENT_TYPES)[number];
  strategy?: string;
  name?: string;
  tag?: string;
  from?: Date;
  to?: Date;
  oldest?: boolean;
  limit?: number;
  cursor?: string;
}

interface MetricsOptions {
  name?: string[];
  from?: Date;
  to?: Date;
}

/**
 * Adds the `experiments` command group to the program.
 *
 * @example
 * ```ts
 * registerExperimentCommands(program, context);
 * ```
 */
export function registerExperimentCommands(program: Command, context: CliContext): void {
  const group = program
    .command('experiments')
    .description('backtests and training runs: list, show, compare, metrics');

  withCommonOptions(group.command('list'))
    .description('list experiments, newest first')
    .option(
      '--status <statuses>',
      `only these statuses, comma-separated or repeated: ${EXPERIMENT_STATUSES.join(', ')}`,
      listOf(EXPERIMENT_STATUSES),
    )
    .option(
      '--type <type>',
      `only this type: ${EXPERIMENT_TYPES.join(', ')}`,
      oneOf(EXPERIMENT_TYPES),
    )
    .option('--strategy <strategy>', 'only this strategy', parseText)
    .option('--name <name>', 'only this exact name', parseText)
    .option('--tag <tag>', 'only experiments with this tag', parseText)
    .option('--from <time>', 'created at or after (ISO 8601)', parseInstant)
    .option('--to <time>', 'created before (ISO 8601)', parseInstant)
    .option('--oldest', 'oldest first')
    .option('--limit <n>', 'page size, 1 to 1000 (default 100)', parseLimit)
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .action((options: ListOptions, command: Command) =>
      withLab(command, context, async ({ lab, print }) => {
        print(await lab.experiments.list(experimentFilter(options)), renderList);
      }),
    );

  withCommonOptions(group.command('show'))
    .description('one experiment: definition, metric summaries and trading figures')
    .argument('<id>', 'experiment id')
    .action((id: string, _options: unknown, command: Command) =>
      withLab(command, context, async ({ lab, progress, print }) => {
        progress.update('summarising metrics');
        print(await lab.experiments.summary(id), renderSummary);
      }),
    );

  withCommonOptions(group.command('compare'))
    .description('experiments side by side: params that differ, metrics and the best of each')
    .argument('<ids...>', 'experiment ids')
    .option(
      '--lower-is-better <metrics>',
      'metrics where the lowest value wins, comma-separated (default: drawdown, loss, error metrics)',
      textList,
    )
    .action((ids: string[], options: { lowerIsBetter?: string[] }, command: Command) =>
      withLab(command, context, async ({ lab, progress, print }) => {
        progress.update('comparing');
        const comparison = await lab.experiments.compare(
          ids,
          options.lowerIsBetter === undefined ? {} : { lowerIsBetter: options.lowerIsBetter },
        );
        print(comparison, renderComparison);
      }),
    );

  withCommonOptions(group.command('metrics'))
    .description('the metric series of an experiment, by name and step')
    .argument('<id>', 'experiment id')
    .option(
      '--name <metric>',
      'only this metric (comma-separated or repeated for several)',
      textList,
    )
    .option('--from <time>', 'points observed at or after (ISO 8601)', parseInstant)
    .option('--to <time>', 'points observed before (ISO 8601)', parseInstant)
    .action((id: string, options: MetricsOptions, command: Command) =>
      withLab(command, context, async ({ lab, print }) => {
        const series = await lab.experiments.metrics(id, {
          ...(options.name !== undefined && { names: options.name }),
          ...(options.from !== undefined && { from: options.from }),
          ...(options.to !== undefined && { to: options.to }),
        });
        print(series, renderMetrics);
      }),
    );
}

function experimentFilter(options: ListOptions): ExperimentFilter {
  return {
    ...(options.status !== undefined && { status: options.status }),
    ...(options.type !== undefined && { type: options.type }),
    ...(options.strategy !== undefined && { strategy: options.strategy }),
    ...(options.name !== undefined && { name: options.name }),
    ...(options.tag !== undefined && { tag: options.tag }),
    ...(options.from !== undefined && { createdFrom: options.from }),
    ...(options.to !== undefined && { createdTo: options.to }),
    ...(options.oldest === true && { order: 'oldest' as const }),
    ...(options.limit !== undefined && { limit: options.limit }),
    ...(options.cursor !== undefined && { cursor: options.cursor }),
  };
}

const LIST_COLUMNS: readonly Column<Experiment>[] = [
  { header: 'ID', value: (e) => e.id },
  { header: 'NAME', value: (e) => e.name },
  { header: 'STATUS', value: (e) => e.status },
  { header: 'TYPE', value: (e) => e.type },
  { header: 'STRATEGY', value: (e) => e.strategy },
  { header: 'CREATED', value: (e) => e.createdAt },
  { header: 'DURATION', value: (e) => formatDuration(e.durationMs), align: 'right' },
];

function renderList(page: ExperimentPage): string {
  if (page.experiments.length === 0) return 'No experiments found.\n';
  return formatTable(page.experiments, LIST_COLUMNS) + nextPageHint(page.nextCursor);
}

function renderSummary({ experiment: e, metrics, trading }: ExperimentSummary): string {
  const config = e.config;
  const range = config.dateRange as { from?: string; to?: string } | undefined;
  const sections = [
    formatFields([
      ['id', e.id],
      ['name', e.name],
      ['status', e.status],
      ['type', e.type],
      ['strategy', e.strategy],
      ['symbols', config.symbols],
      ['timeframe', config.timeframe],
      ['date range', range === undefined ? null : `${day(range.from)} → ${day(range.to)}`],
      ['seed', config.seed],
      ['config hash', e.configHash],
      ['tags', e.tags],
      ['parent', e.parentId],
      ['git commit', e.gitCommit],
      ['created', e.createdAt],
      ['started', e.startedAt],
      ['completed', e.completedAt],
      ['duration', formatDuration(e.durationMs)],
      ...(e.error === null ? [] : [['error', e.error] as const]),
      ...(e.description === null ? [] : [['description', e.description] as const]),
    ]),
  ];
  const params = flatten(
    Object.fromEntries(
      ['params', 'strategyParams', 'modelParams', 'featureParams', 'inputs'].map((k) => [
        k,
        config[k] ?? null,
      ]),
    ),
  );
  if (params.length > 0) {
    sections.push(
      formatTable(params, [
        { header: 'PARAM', value: ([path]) => path },
        { header: 'VALUE', value: ([, value]) => value },
      ]),
    );
  }
  const names = Object.keys(metrics).sort();
  if (names.length > 0) {
    sections.push(
      formatTable(names, [
        { header: 'METRIC', value: (n) => n },
        { header: 'COUNT', value: (n) => metrics[n]?.count, align: 'right' },
        { header: 'LATEST', value: (n) => metrics[n]?.latest, align: 'right' },
        { header: 'MEAN', value: (n) => metrics[n]?.mean, align: 'right' },
        { header: 'MIN', value: (n) => metrics[n]?.min, align: 'right' },
        { header: 'MAX', value: (n) => metrics[n]?.max, align: 'right' },
        { header: 'STD', value: (n) => metrics[n]?.std, align: 'right' },
      ]),
    );
  }
  if (trading !== null) {
    sections.push(
      formatFields([
        ['total return', trading.totalReturn],
        ['sharpe', trading.sharpe],
        ['max drawdown', trading.maxDrawdown],
        ['win rate', trading.winRate],
        ['trades', trading.trades],
        ['periods', trading.periods],
      ]),
    );
  }
  return sections.join('\n');
}

function renderComparison(comparison: Comparison): string {
  const label = (index: number) => `#${index + 1}`;
  const sections = [
    formatTable(
      comparison.experiments.map((e, i) => ({ ...e, index: i })),
      [
        { header: '#', value: (e) => label(e.index) },
        { header: 'ID', value: (e) => e.id },
        { header: 'NAME', value: (e) => e.name },
        { header: 'STATUS', value: (e) => e.status },
      ],
    ),
  ];
  const columns = comparison.experiments.map((_, i) => i);
  if (comparison.params.length > 0) {
    sections.push(
      formatTable(comparison.params, [
        { header: 'PARAM', value: (p) => p.path },
        ...columns.map(
          (i): Column<(typeof comparison.params)[number]> => ({
            header: label(i),
            value: (p) => p.values[i],
          }),
        ),
        { header: 'DIFFERS', value: (p) => (p.differs ? 'yes' : '') },
      ]),
    );
  }
  if (comparison.metrics.length > 0) {
    const index = new Map(comparison.experiments.map((e, i) => [e.id, i]));
    sections.push(
      formatTable(comparison.metrics, [
        { header: 'METRIC (LATEST)', value: (m) => m.name },
        ...columns.map(
          (i): Column<(typeof comparison.metrics)[number]> => ({
            header: label(i),
            value: (m) => m.values[i]?.latest,
            align: 'right',
          }),
        ),
        {
          header: 'BEST',
          value: (m) =>
            m.best === null ? null : label(index.get(m.best.experimentId) ?? Number.NaN),
        },
      ]),
    );
  }
  return sections.join('\n');
}

function renderMetrics(series: Record<string, MetricPoint[]>): string {
  const rows = Object.keys(series)
    .sort()
    .flatMap((name) => (series[name] ?? []).map((point) => ({ name, ...point })));
  if (rows.length === 0) return 'No metric points found.\n';
  return formatTable(rows, [
    { header: 'METRIC', value: (r) => r.name },
    { header: 'STEP', value: (r) => r.step, align: 'right' },
    { header: 'VALUE', value: (r) => formatNumber(r.value), align: 'right' },
    { header: 'AT', value: (r) => r.at },
  ]);
}

/** An ISO instant of the config as a table shows it: the date alone when it is midnight UTC. */
function day(iso: string | undefined): string {
  if (iso === undefined) return '-';
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : formatDate(new Date(iso));
}

/** Leaf values of a JSON object by dotted path; empty objects and nulls left out. */
function flatten(value: Record<string, JsonValue>, prefix = ''): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (item === null) continue;
    if (typeof item === 'object' && !Array.isArray(item)) out.push(...flatten(item, path));
    else out.push([path, Array.isArray(item) ? formatValue(item) : item]);
  }
  return out;
}
