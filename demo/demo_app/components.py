"""Two small LiveComponents for the components demo: each keeps its own state."""

from djust.components.descriptors.base import LiveComponent, TypedState
from djust.decorators import event_handler


class Counter(LiveComponent):
    """A counter component: declare it on a view as `name = Counter(label="...")`."""

    class State(TypedState):
        label: str = ""
        count: int = 0

    template = """
      <section class="component">
        <h2>{{ label }}</h2>
        <p class="count" id="{{ component_id }}-count">{{ count }}</p>
        <button type="button" dj-click="increment">Increment</button>
        <button type="button" dj-click="decrement">Decrement</button>
      </section>
    """

    @event_handler()
    def increment(self, **kwargs):
        self.state.count += 1

    @event_handler()
    def decrement(self, **kwargs):
        self.state.count -= 1


class Toggle(LiveComponent):
    """An on/off switch component."""

    class State(TypedState):
        label: str = ""
        on: bool = False

    template = """
      <section class="component">
        <h2>{{ label }}</h2>
        <p class="count" id="{{ component_id }}-state">{% if on %}on{% else %}off{% endif %}</p>
        <button type="button" dj-click="flip">Toggle {{ label }}</button>
      </section>
    """

    @event_handler()
    def flip(self, **kwargs):
        self.state.on = not self.state.on
