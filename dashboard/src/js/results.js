// The aggregator's retained results as last received, by topic: summaries
// under {root}/v1/rates/, histories under {root}/v1/history/ and the
// factories' flat views (their scenarios) under {root}/v1/flat/factory/.
export class Results {
  constructor(root) {
    this.root = root;
    this.byTopic = new Map();
  }

  filters() {
    const v1 = `${this.root}/v1`;
    return [`${v1}/rates/#`, `${v1}/history/#`, `${v1}/flat/factory/+`];
  }

  // Keeps a message; an empty payload clears its topic. Returns false for
  // a payload that is not JSON.
  take(topic, payload) {
    if (payload.length === 0) {
      this.byTopic.delete(topic);
      return true;
    }
    try {
      this.byTopic.set(topic, JSON.parse(payload));
      return true;
    } catch {
      return false;
    }
  }

  source(topic) { return { topic, json: this.byTopic.get(topic) }; }

  fleet() { return this.source(`${this.root}/v1/rates/fleet`); }
  factory(id) { return this.source(`${this.root}/v1/rates/factory/${id}`); }
  flatFactory(id) { return this.source(`${this.root}/v1/flat/factory/${id}`); }
  history(kind, key, granularity) {
    return this.source(`${this.root}/v1/history/${kind}/${key}/${granularity}`);
  }

  // Every factory summary, ordered by id.
  factories() { return this.under(`${this.root}/v1/rates/factory/`); }
  // Every group summary of one kind (link, sector, region), ordered by key.
  groups(kind) { return this.under(`${this.root}/v1/rates/${kind}/`); }

  under(prefix) {
    return [...this.byTopic.keys()]
      .filter((topic) => topic.startsWith(prefix) && !topic.slice(prefix.length).includes('/'))
      .sort()
      .map((topic) => this.source(topic));
  }
}
