from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base


class Beacon(Base):
    __tablename__ = "fake_beacons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
