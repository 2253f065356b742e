// The broker connection: MQTT over WebSockets (ws:// or wss://) with mqtt.js,
// which reconnects by itself. Reports its state to `onState(state, detail)`:
// connecting, connected, reconnecting, disconnected, or refused when the
// broker turned the login down (then it stops trying until asked again).
import mqtt from 'mqtt';

// CONNACK return codes 4 and 5 (MQTT 3.1.1): bad username or password, not
// authorised.
const refusedCodes = new Set([4, 5, 134, 135]);

export function connectBroker({ url, username, password, filters, onMessage, onState }) {
  onState('connecting');
  const client = mqtt.connect(url, {
    username: username || undefined,
    password: password || undefined,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 5000,
    keepalive: 10,
  });
  let refused = false;
  client.on('connect', () => {
    onState('connected');
    client.subscribe(filters, { qos: 1 }, (error, granted) => {
      const denied = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
      if (error || denied.length) onState('connected', `subscribe refused: ${denied.join(', ')}`);
    });
  });
  client.on('message', (topic, payload) => onMessage(topic, new TextDecoder().decode(payload)));
  client.on('reconnect', () => { if (!refused) onState('reconnecting'); });
  client.on('offline', () => { if (!refused) onState('disconnected'); });
  client.on('error', (error) => {
    if (refusedCodes.has(error.code)) {
      refused = true;
      onState('refused');
      client.end(true);
    }
  });
  return { end: () => client.end(true) };
}
