// Offer skills other people already use while typing, so everyone converges on the same names.
(function () {
  const list = document.getElementById("skill-suggestions");
  if (!list) return;
  let timer = null;
  function lastTerm(value) {
    const parts = value.split(",");
    return { head: parts.slice(0, -1).map((p) => p.trim()).filter(Boolean), term: parts[parts.length - 1].trim() };
  }
  function refresh(input) {
    const { head, term } = lastTerm(input.value);
    fetch(list.dataset.source + "?q=" + encodeURIComponent(term), { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { skills: [] }))
      .then((data) => {
        list.replaceChildren(
          ...data.skills.map((name) => {
            const option = document.createElement("option");
            option.value = head.concat([name]).join(", ");
            return option;
          })
        );
      });
  }
  document.querySelectorAll('input[list="skill-suggestions"]').forEach((input) => {
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => refresh(input), 200);
    });
  });
})();
