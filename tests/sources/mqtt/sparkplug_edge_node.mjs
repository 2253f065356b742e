// A Sparkplug B edge node for the mqtt source's integration test, written
// with Eclipse Tahu's own payload encoder (npm sparkplug-payload) over mqtt.js,
// so that the source is tested against peers no one here wrote.
// The test steers it with JSON commands on `ftel-test/edge/ctl`:
//   {"do": "data", "value": 1010}   NDATA of metric "Inferences" (by alias)
//   {"do": "skip"}                  use up one seq without publishing (a lost message)
//   {"do": "death"}                 publish NDEATH with the birth's bdSeq and stop
// It answers an NCMD `Node Control/Rebirth` = true with a new NBIRTH and
// prints "rebirth requested" to its log.
//
//   node sparkplug_edge_node.mjs mqtt://127.0.0.1:40123 plant-a press-1 1000
import mqtt from 'mqtt';
import sparkplugPayload from 'sparkplug-payload';

const [url, group, node, firstValue] = process.argv.slice(2);
const sparkplug = sparkplugPayload.get('spBv1.0');
const topic = (type) => `spBv1.0/${group}/${type}/${node}`;
const bdSeq = 5;
let seq = 0;
let value = Number(firstValue);

const death = () => sparkplug.encodePayload({
  timestamp: Date.now(),
  metrics: [{name: 'bdSeq', type: 'UInt64', value: bdSeq}],
});
const client = mqtt.connect(url, {
  clientId: `edge-${node}`,
  will: {topic: topic('NDEATH'), payload: Buffer.from(death()), qos: 0, retain: false},
});

function publish(type, metrics) {
  const payload = {timestamp: Date.now(), metrics, seq};
  seq = (seq + 1) % 256;
  client.publish(topic(type), Buffer.from(sparkplug.encodePayload(payload)), {qos: 0});
}

function birth() {
  seq = 0;
  publish('NBIRTH', [
    {name: 'bdSeq', type: 'UInt64', value: bdSeq},
    {name: 'Node Control/Rebirth', type: 'Boolean', value: false},
    {name: 'Inferences', alias: 1, type: 'UInt64', value},
  ]);
  console.log(`NBIRTH value ${value}`);
}

client.on('connect', () => {
  client.subscribe([topic('NCMD'), 'ftel-test/edge/ctl'], {qos: 0}, () => {
    birth();
    console.log('ready');
  });
});

client.on('message', (t, message) => {
  if (t === topic('NCMD')) {
    const cmd = sparkplug.decodePayload(message);
    if (cmd.metrics.some((m) => m.name === 'Node Control/Rebirth' && m.value === true)) {
      console.log('rebirth requested');
      birth();
    }
    return;
  }
  const step = JSON.parse(message.toString());
  if (step.do === 'data') {
    value = step.value;
    publish('NDATA', [{alias: 1, type: 'UInt64', value}]);
    console.log(`NDATA value ${value} seq ${(seq + 255) % 256}`);
  } else if (step.do === 'skip') {
    seq = (seq + 1) % 256;
    console.log('skipped a seq');
  } else if (step.do === 'death') {
    client.publish(topic('NDEATH'), Buffer.from(death()), {qos: 0}, () => {
      console.log('NDEATH');
      client.end();
    });
  }
});
