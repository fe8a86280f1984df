/**
 * `quantlab models list | show | history | promote | rollback`: the model registry, through
 * `lab.models.list`, `get`, `history`, `promote` and `rollback`.
 *
 * @module
 */
import { userInfo } from 'node:os';
import { Argument, type Command, Option } from 'commander';
import type { ChangeOptions } from '../../models/definition.js';
import type {
  ModelEvent,
  ModelFilter,
  ModelVersion,
  ModelVersionPage,
  VersionSelector,
} from '../../models/manager.js';
import { MODEL_STAGES } from '../../models/stages.js';
import type { ModelStage } from '../../storage/records.js';
import { type Column, formatFields, formatTable } from '../output.js';
import { type CliContext, withCommonOptions, withLab } from '../session.js';
import { listOf, oneOf, parseLimit, parseText } from '../values.js';
import { nextPageHint } from './pages.js';

interface ListOptions {
  name?: string;
  stage?: ModelStage[];
  tag?: string;
  type?: string;
  limit?: number;
  cursor?: string;
}

interface ShowOptions {
  version?: string;
  stage?: ModelStage;
  alias?: string;
}

interface ChangeFlags {
  reason?: string;
  actor?: string;
}

/**
 * Adds the `models` command group to the program.
 *
 * @example
 * ```ts
 * registerModelCommands(program, context);
 * ```
 */
export function registerModelCommands(program: Command, context: CliContext): void {
  const group = program
    .command('models')
    .description('the model registry: list, show, history, promote, rollback');

  withCommonOptions(group.command('list'))
    .description('list model versions, newest first')
    .option('--name <model>', 'only this model', parseText)
    .option(
      '--stage <stages>',
      `only these stages, comma-separated or repeated: ${MODEL_STAGES.join(', ')}`,
      listOf(MODEL_STAGES),
    )
    .option('--tag <tag>', 'only versions with this tag', parseText)
    .option('--type <modelType>', 'only this model type (xgboost, lightgbm, ...)', parseText)
    .option('--limit <n>', 'page size, 1 to 1000 (default 100)', parseLimit)
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .action((options: ListOptions, command: Command) =>
      withLab(command, context, async ({ lab, print }) => {
        const filter: ModelFilter = {
          ...(options.name !== undefined && { name: options.name }),
          ...(options.stage !== undefined && { stage: options.stage }),
          ...(options.tag !== undefined && { tag: options.tag }),
          ...(options.type !== undefined && { modelType: options.type }),
          ...(options.limit !== undefined && { limit: options.limit }),
          ...(options.cursor !== undefined && { cursor: options.cursor }),
        };
        print(await lab.models.list(filter), renderList);
      }),
    );

  withCommonOptions(group.command('show'))
    .description('one version of a model: by version, stage or alias; the highest by default')
    .argument('<name>', 'model name')
    .addOption(new Option('--version <version>', 'this version').conflicts(['stage', 'alias']))
    .addOption(
      new Option('--stage <stage>', 'the version in this stage')
        .choices(MODEL_STAGES)
        .conflicts(['alias']),
    )
    .addOption(new Option('--alias <alias>', 'the version this alias points at'))
    .action((name: string, options: ShowOptions, command: Command) =>
      withLab(command, context, async ({ lab, print }) => {
        const version = await lab.models.get(name, selectorOf(options));
        const aliases = (await lab.models.aliases(name))
          .filter((a) => a.version === version.version)
          .map((a) => a.alias);
        print(version, (v) => renderVersion(v, aliases));
      }),
    );

  withCommonOptions(group.command('history'))
    .description("a model's audit trail, oldest first: registrations, stage changes, aliases")
    .argument('<name>', 'model name')
    .option('--limit <n>', 'at most this many events', parseLimit)
    .action((name: string, options: { limit?: number }, command: Command) =>
      withLab(command, context, async ({ lab, print }) => {
        const events = await lab.models.history(
          name,
          options.limit === undefined ? {} : { limit: options.limit },
        );
        print(events, renderHistory);
      }),
    );

  withChangeOptions(withCommonOptions(group.command('promote')))
    .description('move a version to another stage (to production: the current one goes to staging)')
    .argument('<name>', 'model name')
    .argument('<version>', 'version, as 1.2.0')
    .addArgument(new Argument('<stage>', 'target stage').choices(MODEL_STAGES))
    .action(
      (name: string, version: string, stage: ModelStage, options: ChangeFlags, command: Command) =>
        withLab(command, context, async ({ lab, print }) => {
          const moved = await lab.models.promote(name, version, stage, changeOptions(options));
          print(moved, (v) => `${v.name} ${v.version} is now in ${v.stage}.\n`);
        }),
    );

  withChangeOptions(withCommonOptions(group.command('rollback')))
    .description('put the previous production version back in production')
    .argument('<name>', 'model name')
    .action((name: string, options: ChangeFlags, command: Command) =>
      withLab(command, context, async ({ lab, print }) => {
        const restored = await lab.models.rollback(name, changeOptions(options));
        print(restored, (v) => `${v.name} ${v.version} is back in production.\n`);
      }),
    );
}

function withChangeOptions(command: Command): Command {
  return command
    .option('--reason <text>', 'why, for the audit trail')
    .option('--actor <who>', 'who, for the audit trail (default: your user name)', parseText);
}

/** The audit trail's actor and reason: `--actor`, else the OS user name. */
function changeOptions(flags: ChangeFlags): ChangeOptions {
  const actor = flags.actor ?? currentUser();
  return {
    ...(actor !== undefined && { actor }),
    ...(flags.reason !== undefined && { reason: flags.reason }),
  };
}

function currentUser(): string | undefined {
  try {
    const name = userInfo().username;
    return name === '' ? undefined : name;
  } catch {
    return undefined;
  }
}

function selectorOf(options: ShowOptions): VersionSelector | undefined {
  if (options.version !== undefined) return { version: options.version };
  if (options.stage !== undefined) return { stage: oneOf(MODEL_STAGES)(options.stage) };
  if (options.alias !== undefined) return { alias: options.alias };
  return undefined;
}

const LIST_COLUMNS: readonly Column<ModelVersion>[] = [
  { header: 'NAME', value: (v) => v.name },
  { header: 'VERSION', value: (v) => v.version },
  { header: 'STAGE', value: (v) => v.stage },
  { header: 'TYPE', value: (v) => v.modelType },
  { header: 'METRICS', value: (v) => v.metrics },
  { header: 'EXPERIMENT', value: (v) => v.experimentId },
  { header: 'CREATED', value: (v) => v.createdAt },
];

function renderList(page: ModelVersionPage): string {
  if (page.versions.length === 0) return 'No model versions found.\n';
  return formatTable(page.versions, LIST_COLUMNS) + nextPageHint(page.nextCursor);
}

function renderVersion(v: ModelVersion, aliases: readonly string[]): string {
  return formatFields([
    ['name', v.name],
    ['version', v.version],
    ['stage', v.stage],
    ['aliases', aliases],
    ['type', v.modelType],
    ['artifact', v.artifactId],
    ['features', v.features],
    ['target', v.target],
    ['metrics', v.metrics],
    ['validation metrics', v.validationMetrics],
    ['test metrics', v.testMetrics],
    ['hyperparameters', v.hyperparameters],
    ['training data', v.trainingData],
    ['training time (s)', v.trainingDurationSeconds],
    ['experiment', v.experimentId],
    ['tags', v.tags],
    ['trained by', v.trainedBy],
    ['description', v.description],
    ['created', v.createdAt],
    ['updated', v.updatedAt],
  ]);
}

function renderHistory(events: readonly ModelEvent[]): string {
  if (events.length === 0) return 'No events found.\n';
  return formatTable(events, [
    { header: 'AT', value: (e) => e.at },
    { header: 'EVENT', value: (e) => e.kind },
    { header: 'VERSION', value: (e) => e.version },
    { header: 'FROM', value: (e) => e.from },
    { header: 'TO', value: (e) => e.to },
    { header: 'ALIAS', value: (e) => e.alias },
    { header: 'ACTOR', value: (e) => e.actor },
    { header: 'REASON', value: (e) => e.reason },
  ]);
}
