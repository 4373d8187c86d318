import type { Command } from 'commander';

/**
 * The Examples section of every help page, by command path, in one place so a test can check
 * that no command lacks one. `esipay serve` keeps the Example section its own module writes.
 */
const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  merchant: ['esipay merchant register --name Boutique --ip 203.0.113.7 --return-url https://shop.example/paid', 'esipay merchant list'],
  'merchant register': [
    'esipay merchant register --name Boutique --ip 203.0.113.7 --return-url https://shop.example/paid',
    'esipay merchant register --name Shop --ip 2001:db8::7 --return-url https://shop.example/paid --currency USD --json',
  ],
  'merchant list': ['esipay merchant list', 'esipay merchant list --limit 10 --json'],
  'merchant show': ['esipay merchant show 5ddcd0a4-47fd-4f6f-aa4a-a7819de2a246'],
  'merchant rotate-secret': [
    'esipay merchant rotate-secret 5ddcd0a4-47fd-4f6f-aa4a-a7819de2a246',
    'esipay merchant rotate-secret 5ddcd0a4-47fd-4f6f-aa4a-a7819de2a246 --expire-previous   # a leaked secret',
  ],
  'merchant update': [
    'esipay merchant update 5ddcd0a4-47fd-4f6f-aa4a-a7819de2a246 --ip 203.0.113.8',
    'esipay merchant update 5ddcd0a4-47fd-4f6f-aa4a-a7819de2a246 --return-url https://shop.example/paid --notification-url ""',
  ],
  'merchant disable': ['esipay merchant disable 5ddcd0a4-47fd-4f6f-aa4a-a7819de2a246'],
  'merchant enable': ['esipay merchant enable 5ddcd0a4-47fd-4f6f-aa4a-a7819de2a246'],
  pay: [
    'esipay pay 74.12 --card 4111111111111111 --expiry 12/2030 --cid order-1 --merchant <uuid>',
    'esipay pay 5 --card 4000000000000002 --expiry 12/30 --json   # a declined test card: exit 4',
  ],
  link: ['esipay link list', 'esipay link show <id>'],
  'link create': [
    'esipay link create 100.00 --payment-reference Facture31102019 --consumer-reference c-42 \\\n    --email a@b.c --phone 0600000000 --callback-url https://shop.example/esipay --mode multi_pay',
  ],
  'link list': ['esipay link list', 'esipay link list --all --json'],
  'link show': ['esipay link show 01a2332c04b2000091214e4649aaae71'],
  refund: [
    'esipay refund 01a2332c04b2000091214e4649aaae71 10.00   # partial',
    'esipay refund 01a2332c04b2000091214e4649aaae71         # all that remains',
    'esipay refund 01a2332c04b2000091214e4649aaae71 10.00 --idempotency-key refund-1   # run again: refunds once',
  ],
  shipment: [
    'esipay shipment init 74.12 --order-id myOrder-1234 --card 4111111111111111 --expiry 12/2030',
    'esipay shipment ship <initial> 35.00',
  ],
  'shipment init': [
    'esipay shipment init 74.12 --currency EUR --order-id myOrder-1234 --email a@b.c --card 4111111111111111 --expiry 12/2030',
  ],
  'shipment ship': ['esipay shipment ship f183418d08df49f3900bbd74ef837816 35.00 --idempotency-key ship-1'],
  tx: ['esipay tx list', 'esipay tx show <transaction>', 'esipay tx export --format csv --output all.csv'],
  'tx list': [
    'esipay tx list --merchant <uuid>',
    'esipay tx list --kind initial,shipment --all --json',
    'esipay tx list --status PAID,PARTIALLY_REFUNDED --since 2024-05-01 --until 2024-06-01',
    'esipay tx list --cid order-1',
  ],
  'tx show': ['esipay tx show 01a2332c04b2000091214e4649aaae71', 'esipay tx show 01a2332c04b2000091214e4649aaae71 --json'],
  'tx export': [
    'esipay tx export --format csv --since 2024-05-01 --until 2024-06-01 --output may.csv',
    'esipay tx export --format ndjson --status REFUNDED,PARTIALLY_REFUNDED | jq .remaining',
  ],
  batch: ['esipay batch pay payments.csv > results.ndjson', 'esipay batch refund refunds.csv'],
  'batch pay': [
    'esipay batch pay payments.csv            # header: amount,card,expiry,cid[,merchant]',
    'cat payments.ndjson | esipay batch pay -  # {"amount":"74.12","card":"…","expiry":"12/2030","cid":"o-1"}',
  ],
  'batch refund': [
    'esipay batch refund refunds.csv          # header: transaction,amount,key (an empty amount: all that remains)',
    'esipay batch refund refunds.ndjson --json',
  ],
  events: ['esipay events list --status dead', 'esipay events tail'],
  'events list': [
    'esipay events list',
    'esipay events list --status failed --type link.debit.failed --limit 20',
    'esipay events list --transaction 01a2332c04b2000091214e4649aaae71 --json',
  ],
  'events show': ['esipay events show 0190f4c2a1b2000091214e4649aaae71'],
  'events resend': ['esipay events resend 0190f4c2a1b2000091214e4649aaae71   # even a dead or delivered one'],
  'events tail': ['esipay events tail', 'esipay --engine remote --url http://127.0.0.1:6543 events tail --json | jq .event.status'],
  tui: ['esipay tui --merchant <uuid>', 'esipay --engine remote --url http://127.0.0.1:6543 tui --refresh 5'],
  verify: ['esipay verify', 'esipay verify --db postgres://esipay@db/esipay --json'],
  listen: [
    'esipay listen --port 4242 --secret whsec_…',
    'esipay listen --port 4242 --status 500   # cancels every payment',
    'esipay listen --port 4242 --secret whsec_… --forward-to http://127.0.0.1:3000/esipay --json',
  ],
  trigger: [
    'esipay trigger --list',
    'esipay trigger shipment-three-parts                 # on a merchant it registers for the run',
    'esipay trigger refund-partial --merchant <uuid> --json',
  ],
  clock: ['esipay clock show', 'esipay clock advance 181d   # past the 180 days of an initial authorisation'],
  'clock show': ['esipay clock show', 'esipay --engine remote --url http://127.0.0.1:6543 clock show --json'],
  'clock advance': ["esipay clock advance 31d   # a multi_pay link's next instalment falls due", 'esipay clock advance 1d12h'],
  'clock set': [
    'esipay clock set 2030-01-31T12:00:00Z',
    'esipay clock set 2030-01-01 --force   # backwards: records written since lie in the future',
  ],
  'clock reset': ['esipay clock reset', 'esipay clock reset --force   # after an advance: back to real time'],
  'db mode': ['esipay db mode', 'esipay db mode live   # one-way: its clock can no longer move', 'esipay db mode test --force'],
  db: ['esipay db status', 'esipay --db postgres://esipay@db/esipay db migrate'],
  'db status': ['esipay db status', 'esipay --db ./shop.db db status --json'],
  'db migrate': ['esipay db migrate', 'esipay --db postgres://esipay@db/esipay db migrate --json'],
  'db reset-secrets': [
    'esipay db reset-secrets --yes   # the sealing key is lost: new secrets, printed once',
    'esipay db reset-secrets --yes --json',
  ],
  config: ['esipay config set merchant <uuid>', 'esipay config list'],
  'config get': ['esipay config get merchant'],
  'config set': ['esipay config set engine remote', 'esipay config set url http://127.0.0.1:6543'],
  'config unset': ['esipay config unset merchant'],
  'config list': ['esipay config list', 'esipay config list --json'],
  'config path': ['esipay config path'],
  'config env': ['esipay config env', 'esipay config env --json | jq \'.variables[] | select(.source == "environment")\''],
  completion: [
    'eval "$(esipay completion bash)"            # in ~/.bashrc',
    'eval "$(esipay completion zsh)"             # in ~/.zshrc',
    'esipay completion fish | source             # in ~/.config/fish/config.fish',
  ],
};

/** The commands whose module writes its own Example section. */
const OWN_EXAMPLE = new Set(['serve']);

/** The path of a command below the program: "tx list". */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Every command below `cmd`, depth first, without commander's own `help` command. */
export function subcommands(cmd: Command): Command[] {
  return cmd.commands.filter((c) => c.name() !== 'help').flatMap((c) => [c, ...subcommands(c)]);
}

export function hasExamples(path: string): boolean {
  return Object.hasOwn(EXAMPLES, path) || OWN_EXAMPLE.has(path);
}

/**
 * Adds to each registered command's help its examples and a line naming the global options,
 * which commander shows only on `esipay --help`.
 */
export function addHelpSections(program: Command): void {
  const globals = program.options
    .filter(
      (o) =>
        o.long &&
        o.long !== '--version' &&
        !(o.negate && program.options.some((p) => !p.negate && p.attributeName() === o.attributeName())),
    )
    .map((o) => o.long!);
  const note = `Global options: ${globals.join(', ')}; see esipay --help`;
  for (const cmd of subcommands(program)) {
    const examples = EXAMPLES[commandPath(cmd)];
    const section = examples ? `\nExamples:\n${examples.map((e) => `  ${e}`).join('\n')}\n` : '';
    cmd.addHelpText('after', `${section}\n${note}`);
  }
}
