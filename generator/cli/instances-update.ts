import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { formatChanges, InstancesUpdateError, updateInstanceTable } from '../instances/update-instance-table';
import { INSTANCE_TABLE } from '../model/vendor-files';

/**
 * `npx projen instances:update [--add <type>]... [--region <region>]... [--as-of YYYY-MM-DD] [--dry-run] [--file
 * <table>]`: refreshes the vendored EC2 instance table from EC2 DescribeInstanceTypes, the Price List API (GetProducts)
 * and EC2 DescribeInstanceTypeOfferings (the regions each type is offered in: every region of DescribeRegions, or the
 * `--region` list) with the AWS credentials of the environment (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
 * SSO, ...), and prints what changed. Needs ec2:DescribeInstanceTypes, ec2:DescribeRegions,
 * ec2:DescribeInstanceTypeOfferings and pricing:GetProducts.
 */
async function main(argv: string[]): Promise<number> {
  // the SDK's nine-line notice that its releases from 2027 on need Node 22 would bury the list of changes on Node 20
  // (which this project still supports); set the variable to "false" to see it
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const usage =
    'usage: npx projen instances:update [--add <instance-type>]... [--region ' +
    '<region>]... [--as-of YYYY-MM-DD] [--dry-run] [--file <table.json>]';
  let values: {
    add?: string[];
    region?: string[];
    'as-of'?: string;
    'dry-run'?: boolean;
    file?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        add: { type: 'string', multiple: true },
        region: { type: 'string', multiple: true },
        'as-of': { type: 'string' },
        'dry-run': { type: 'boolean' },
        file: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const file = values.file ?? INSTANCE_TABLE;
  const shown = relative(process.cwd(), file) || file;
  const result = await updateInstanceTable({
    file,
    add: (values.add ?? [])
      .flatMap((a) => a.split(','))
      .map((a) => a.trim())
      .filter(Boolean),
    asOf: values['as-of'],
    regions: (values.region ?? [])
      .flatMap((r) => r.split(','))
      .map((r) => r.trim())
      .filter(Boolean),
    dryRun: values['dry-run'],
  });
  for (const line of formatChanges(result.changes)) console.log(line);
  for (const warning of result.warnings) console.log(`check: ${warning}`);
  if (result.changes.length > 0) {
    const count = Object.keys((JSON.parse(result.text) as { instanceTypes: object }).instanceTypes).length;
    console.log(values['dry-run'] ? `dry run: ${shown} not written` : `wrote ${shown} (${count} instance types)`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // one line, no stack trace: the AWS error, missing credentials, or an unreadable table
    const message =
      error instanceof InstancesUpdateError
        ? error.message
        : `instances:update failed: ${error instanceof Error ? error.message : String(error)}`;
    console.error(`error: ${message.replace(/\s+/g, ' ').trim()}`);
    process.exit(1);
  },
);
