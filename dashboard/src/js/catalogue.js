// The scenario catalogue (built from config/scenario-catalogue.tsv into
// catalogue.json): the 8 process links and 40 scenarios, named in both
// languages.
export async function loadCatalogue() {
  const response = await fetch('catalogue.json');
  return response.json();
}

export function linkName(catalogue, id, language) {
  const link = catalogue.links.find((l) => l.id === id);
  return link ? link[language] : id;
}
